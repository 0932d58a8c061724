"""Publishing: renderers of verdicts (Markdown and JSON today; HTML and charts to come)."""
