"""Go's text/template language, as Helm runs it.

``TemplateSet`` is the entry point: ``parse(name, text)`` adds a template and its defines
(Go's redefinition rules), ``execute(name, data)`` renders one, ``clone()`` copies the set for
Helm's ``tpl``. Templates compile to Python closures on first execution and are reused.
Values follow the Go value model in ``kts.gotemplate.gotypes``; ``NOVALUE`` is Go's invalid
value (a missing key that prints ``<no value>``).
"""

from kts.gotemplate.errors import ExecError, InternalError, ParseError, RenderError
from kts.gotemplate.template import Template, TemplateSet
from kts.gotemplate.values import NOVALUE

__all__ = ["NOVALUE", "ExecError", "InternalError", "ParseError", "RenderError", "Template", "TemplateSet"]
