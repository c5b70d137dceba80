"""The API root: /api/, its OpenAPI document at /api/openapi.json, one router per domain.

Callers authenticate with a Bearer API token (scripts) or the browser session;
session calls that change data must carry the CSRF token, as forms do.
"""

from ninja import NinjaAPI
from ninja.security import django_auth

from yanxiu.api import credits, errors, learning, orgs, projects, training
from yanxiu.api.auth import TokenAuth

api = NinjaAPI(
    title="Yanxiu API",
    version="1",
    description="研修平台 API：组织机构、教师名册、学分、培训与项目。权限与页面一致。",
    urls_namespace="api",
    auth=[TokenAuth(), django_auth],
    docs_url="/docs",
)
errors.install(api)
api.add_router("/orgs", orgs.router)
api.add_router("/credits", credits.router)
api.add_router("/training", training.router)
api.add_router("/projects", projects.router)
api.add_router("/learning", learning.router)
