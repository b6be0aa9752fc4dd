"""Go's text/template language, as Helm runs it."""

from kts.gotemplate.errors import ExecError, ParseError, RenderError
from kts.gotemplate.template import TemplateSet
from kts.gotemplate.values import NOVALUE

__all__ = ["NOVALUE", "ExecError", "ParseError", "RenderError", "TemplateSet"]
