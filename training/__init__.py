"""Training side: the labelled corpus, data checks, training and evaluation."""
