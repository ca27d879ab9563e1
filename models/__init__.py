"""Model code shared by the service and by training: text, encoder, classifier, summarizer."""
