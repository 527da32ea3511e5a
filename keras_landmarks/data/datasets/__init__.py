"""Dataset readers: each dataset's files, annotations and splits; generic folders."""
