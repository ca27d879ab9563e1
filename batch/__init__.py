"""`newsbrief batch`: back-fills over whole archives, on this machine or on a Ray cluster.

The input is cut into shards (a file, or a fixed number of rows of it); each shard is read,
analysed with the same ``models.Analyzer`` as the service and the CLI, and written as one
output file with a manifest entry, so a rerun skips what is finished and nothing is lost or
written twice.
"""
