"""Helm charts rendered in pure Python, as Helm v4.2.3 renders them: the public API of ``kts.helm``.

Everything a caller needs is importable from here; the submodules are the implementation.

Loading and rendering::

    chart = kts.helm.load_chart("mychart")               # a Chart: parsed and compiled once
    chart.render({"replicaCount": 2}, release_name="web")  # {"mychart/templates/x.yaml": text}
    chart.objects(...)                                     # parsed objects in install order
    chart.template(..., options=TemplateOptions(...))      # what `helm template` prints
    render_chart(path, values), render_objects(path, values)  # one-off shortcuts

Values as ``-f`` and ``--set`` give them: ``ValueOptions(value_files=[...], values=["a=1"]).merge()``
returns Go-typed values, rendered with ``typed_values=True``; ``parse_values(text)`` decodes one
values file. ``lint_chart(path)`` runs ``helm lint``'s rules and returns its findings.

Errors. Every failure to load, prepare or render a chart is a ``RenderError``; ``str(err)`` is
Helm's text and ``template``, ``line``, ``column`` and ``message`` locate it::

    RenderError                 a chart or template failed
    ├── InternalError           a defect in kts, not in the chart (``__cause__`` holds it)
    ├── TemplateError           a template failed to parse or execute
    ├── KubeVersionError        the chart's kubeVersion excludes the target Kubernetes
    ├── ChartError              the chart or its values could not be prepared
    │   ├── ChartLoadError      a chart directory or archive is missing, malformed or invalid
    │   ├── ValuesError         user values (files, --set expressions) are malformed
    │   │   └── DependencyError     dependency conditions, tags or import-values failed
    │   └── SchemaError         values do not satisfy values.schema.json
    └── ManifestError           rendered output is not valid YAML or not Kubernetes objects
        ├── OutputError         `helm template` output could not be assembled (``partial``)
        └── ShowOnlyError       a --show-only pattern matched no template
"""

from __future__ import annotations

from kts.gotemplate.errors import InternalError, RenderError
from kts.gotemplate.limits import RenderLimits
from kts.helm.api import Chart, load_chart, render_chart, render_name_template, render_objects
from kts.helm.dependencies import DependencyError
from kts.helm.engine import TemplateError
from kts.helm.errors import ChartError, ChartLoadError, ManifestError, SchemaError, ValuesError
from kts.helm.funcs import LookupFn
from kts.helm.lint import LintMessage, LintResult, Severity, lint_chart
from kts.helm.manifests import RenderedObject, parse_objects
from kts.helm.objects import KubeVersion
from kts.helm.output import OutputError, ShowOnlyError, TemplateOptions
from kts.helm.render import KubeVersionError
from kts.helm.valueopts import Reader, ValueOptions, parse_values, read_local_file

__all__ = [
    "Chart",
    "ChartError",
    "ChartLoadError",
    "DependencyError",
    "InternalError",
    "KubeVersion",
    "KubeVersionError",
    "LintMessage",
    "LintResult",
    "LookupFn",
    "ManifestError",
    "OutputError",
    "Reader",
    "RenderError",
    "RenderLimits",
    "RenderedObject",
    "SchemaError",
    "Severity",
    "ShowOnlyError",
    "TemplateError",
    "TemplateOptions",
    "ValueOptions",
    "ValuesError",
    "lint_chart",
    "load_chart",
    "parse_objects",
    "parse_values",
    "read_local_file",
    "render_chart",
    "render_name_template",
    "render_objects",
]
