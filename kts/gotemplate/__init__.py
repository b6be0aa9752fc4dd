"""Go's text/template language, as Helm runs it."""
