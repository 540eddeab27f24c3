"""Locations and weaknesses of critical infrastructure are restricted.

Rule (``hromada.services.access.can_see_restricted``): only editors and admins who are members of the
municipality see them; viewers, network facilitators and everyone else get them masked, on every page and
endpoint, and stored analysis results never contain them, unless an admin released a field.
"""

from __future__ import annotations

import pytest

from tests.web.conftest import CODE_A, Workspace, csrf_from

SECRETS = ("single transformer", "no spare generator", "48.51", "35.03")
INSIDE = {"admin", "editor"}


def _api(workspace: Workspace, who: str, path: str) -> str:
    response = workspace.client(None).get(path, headers={"Authorization": f"Bearer {workspace.tokens[who]}"})
    assert response.status_code == 200, response.text
    return response.text


@pytest.mark.parametrize("who", ["facilitator", "admin", "editor", "viewer"])
def test_assets_api_masks_restricted_fields_outside_the_team(workspace: Workspace, who: str) -> None:
    assets = {a["asset_id"]: a for a in workspace.client(None).get(
        f"/api/v1/municipalities/{CODE_A}/infrastructure/assets",
        headers={"Authorization": f"Bearer {workspace.tokens[who]}"},
    ).json()}  # fmt: skip
    ps = assets["PS-01"]
    if who in INSIDE:
        assert ps["latitude"] == pytest.approx(48.51) and ps["weakness"] == "single transformer"
    else:
        assert ps["latitude"] is None and ps["longitude"] is None and ps["weakness"] is None
        assert ps["restricted_hidden"] is True
    # What is not restricted is visible to every reader.
    assert ps["population_served"] == 20000 and ps["type"] == "substation"


@pytest.mark.parametrize("who", ["facilitator", "admin", "editor", "viewer"])
def test_infrastructure_page_masks_restricted_fields(workspace: Workspace, who: str) -> None:
    html = workspace.client(who).get(f"/municipalities/{CODE_A}/infrastructure").text
    for secret in SECRETS:
        assert (secret in html) == (who in INSIDE), (who, secret)


@pytest.mark.parametrize("who", ["facilitator", "viewer", "editor"])
def test_analysis_outputs_never_carry_restricted_fields(workspace: Workspace, who: str) -> None:
    for path in (
        f"/api/v1/municipalities/{CODE_A}/infrastructure/runs/criticality",
        f"/api/v1/municipalities/{CODE_A}/infrastructure/cascade?horizon_hours=48",
        f"/api/v1/municipalities/{CODE_A}/infrastructure/dependencies",
        f"/api/v1/municipalities/{CODE_A}/ledger",
        f"/api/v1/municipalities/{CODE_A}/economy",
    ):
        text = _api(workspace, who, path)
        assert not any(secret in text for secret in SECRETS), path


def test_an_admin_releases_one_field_and_only_that_field(workspace: Workspace) -> None:
    admin = workspace.client("admin")
    token = csrf_from(admin.get(f"/municipalities/{CODE_A}/infrastructure").text)
    # An editor may not release.
    editor = workspace.client("editor")
    editor_token = csrf_from(editor.get(f"/municipalities/{CODE_A}/infrastructure").text)
    refused = editor.post(
        f"/municipalities/{CODE_A}/infrastructure/release",
        data={"csrf_token": editor_token, "asset": "HOSP-01", "field": "weakness"},
    )
    assert refused.status_code == 403
    response = admin.post(
        f"/municipalities/{CODE_A}/infrastructure/release",
        data={"csrf_token": token, "asset": "HOSP-01", "field": "weakness"},
    )
    assert response.status_code == 303
    viewer_html = workspace.client("viewer").get(f"/municipalities/{CODE_A}/infrastructure").text
    assert "no spare generator" in viewer_html  # released
    assert "48.53" not in viewer_html and "single transformer" not in viewer_html  # still restricted
    # Withdrawing the release restricts it again.
    admin.post(
        f"/municipalities/{CODE_A}/infrastructure/release",
        data={"csrf_token": token, "asset": "HOSP-01", "field": "weakness", "released": "false"},
    )
    assert (
        "no spare generator"
        not in workspace.client("viewer").get(f"/municipalities/{CODE_A}/infrastructure").text
    )
