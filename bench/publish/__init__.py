"""Publishing: renderers of verdicts (Markdown, JSON, and one HTML page with its charts)."""
