#!/usr/bin/env bash
# Exports the small real tables of samples/data/tabular/ from Debian packages (bookworm):
#   apt-get install -y --no-install-recommends python3-sklearn r-cran-modeldata r-base-core
# Every file: a header, numeric columns only, no missing values, the label column named after the target.
# Rerunning it rewrites the same files (the packages' data are fixed; no randomness).
set -euo pipefail
cd "$(dirname "$0")"

# --- scikit-learn (python3-sklearn 1.2.1): diabetes (raw, unscaled features), wine, breast cancer --------------
/usr/bin/python3 - <<'PY'
import numpy as np
from sklearn.datasets import load_diabetes, load_wine, load_breast_cancer

def write(path, names, X, y, label, fmt_y):
    names = [n.replace(" ", "_").replace("/", "_").replace("(", "").replace(")", "") for n in names]
    with open(path, "w") as f:
        f.write(",".join(names + [label]) + "\n")
        for row, target in zip(X, y):
            f.write(",".join(repr(float(v)) if not float(v).is_integer() else str(int(v)) for v in row) + "," + fmt_y(target) + "\n")

d = load_diabetes(scaled=False)   # the original units (age in years, bmi, blood pressure, six serum measurements)
write("diabetes.csv", list(d.feature_names), d.data, d.target, "progression", lambda t: str(int(t)))
w = load_wine()                  # class 0, 1, 2 (three cultivars)
write("wine.csv", list(w.feature_names), w.data, w.target, "cultivar", lambda t: str(int(t)))
b = load_breast_cancer()         # sklearn's target is 1 = benign; here malignant = 1 - target (1 = malignant)
write("breast_cancer.csv", list(b.feature_names), b.data, 1 - b.target, "malignant", lambda t: str(int(t)))
PY

# --- modeldata (r-cran-modeldata 1.1.0, MIT): ames, concrete, Sacramento, biomass, penguins ---------------------
Rscript --vanilla - <<'R'
suppressMessages(library(modeldata))
numeric_only <- function(d, label) {
  keep <- names(d)[sapply(d, is.numeric)]
  keep <- c(setdiff(keep, label), label)   # label last
  d <- d[, keep]
  before <- nrow(d)
  d <- d[complete.cases(d), ]
  if (nrow(d) < before) message(sprintf("%s: dropped %d rows with NA", label, before - nrow(d)))
  d
}
save <- function(d, file) write.csv(d, file, row.names = FALSE, quote = FALSE)

data(ames);       save(numeric_only(ames, "Sale_Price"), "ames.csv")
data(concrete);   save(numeric_only(concrete, "compressive_strength"), "concrete.csv")
data(Sacramento); save(numeric_only(Sacramento, "price"), "sacramento.csv")
data(biomass);    save(numeric_only(biomass, "HHV"), "biomass.csv")
data(penguins)
p <- penguins[, c("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "species")]
p <- p[complete.cases(p), ]                # 2 rows lack all measurements (sex is not used, so its 9 other NAs stay)
p$species <- as.integer(p$species) - 1L    # 0 = Adelie, 1 = Chinstrap, 2 = Gentoo (factor level order)
save(p, "penguins.csv")
R
wc -l ./*.csv
