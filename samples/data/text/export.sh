#!/usr/bin/env bash
# Exports the product reviews of samples/data/text/ from Debian's r-cran-modeldata (bookworm):
#   apt-get install -y --no-install-recommends r-cran-modeldata r-base-core
# small_fine_foods: training_data (4,000 rows) and testing_data (1,000 rows), as the package splits them.
# Each file: a header "Review,Label", the review quoted (inner quotes doubled), the label "great" or "other".
# HTML line breaks (<br />), line breaks and tabs inside a review become spaces, so every row is one line. Rerunning it rewrites the same files.
set -euo pipefail
cd "$(dirname "$0")"

Rscript --vanilla - <<'R'
suppressMessages(library(modeldata))
data(small_fine_foods)
save <- function(d, file) {
  review <- gsub("<br\\s*/?>", " ", d$review, ignore.case = TRUE)   # the HTML line breaks of the web reviews
  review <- gsub("[\r\n\t]+", " ", review)
  out <- data.frame(Review = review, Label = as.character(d$score), stringsAsFactors = FALSE)
  write.csv(out, file, row.names = FALSE, quote = TRUE, fileEncoding = "UTF-8")
}
save(training_data, "train.csv")
save(testing_data, "test.csv")
R
wc -l train.csv test.csv
