"""The HTML report: one self-contained file built from registered sections.

``write_report(store, path)`` renders every section registered with
``@report_section`` (see ``socialens.report.sections`` for how a capability adds one).
"""

from __future__ import annotations

from socialens.report.html import render_report, write_report
from socialens.report.sections import Section, build_sections, registered_sections, report_section

__all__ = ["Section", "build_sections", "registered_sections", "render_report", "report_section", "write_report"]
