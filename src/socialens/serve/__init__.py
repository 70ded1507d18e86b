"""``socialens serve``: a REST API and a live dashboard over one store (the ``serve`` extra).

``app.create_app`` builds the FastAPI application: one router per resource under ``/api/v1/``
(``routers/``), the one store handle and the token checks (``dependencies.py``), the one writer
(``jobs.py``) and the dashboard's static files (``static/``). Routes are thin faces over report
views, tasks and store queries.
"""

from __future__ import annotations
