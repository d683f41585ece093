"""Scale: batch extraction on Dask, partitioned Parquet output, and a synthetic corpus for benchmarks."""
