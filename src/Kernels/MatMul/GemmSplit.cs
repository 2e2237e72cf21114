namespace MLNet.DeepExtensions.Kernels.MatMul;

/// <summary>How <see cref="ManagedGemm"/> shares the tiles of one block between threads.</summary>
internal enum GemmSplit
{
    /// <summary><see cref="Columns"/> when m is not much larger than the block's columns, else <see cref="Rows"/>.</summary>
    Auto,

    /// <summary>
    /// Tasks take whole rows of tiles: the B block is packed once, cooperatively, and read by every thread (a barrier
    /// per block, and half the block crosses between cores); each thread packs only its own A rows.
    /// </summary>
    Rows,

    /// <summary>
    /// Tasks take whole columns of tiles and pack their own B panels (no barrier, nothing shared); every task packs
    /// all of A. Best when A is the smaller operand.
    /// </summary>
    Columns,
}
