"""TEMPORARY: snapshot the JSON of the four domains' routes (deleted before hand-back)."""
from __future__ import annotations
import json, os
from tests.web.conftest import CODE_A, LEDGER_CSV, Workspace

def test_snapshot(workspace: Workspace) -> None:
    label = os.environ.get("SNAP", "before")
    c = workspace.client(None)
    def h(who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {workspace.tokens[who]}"}
    out: dict[str, object] = {}
    def get(path: str, who: str = "editor") -> None:
        r = c.get("/api/v1" + path, headers=h(who))
        out[f"{who} GET {path}"] = [r.status_code, r.json()]
    def post(path: str, who: str = "editor", **kw: object) -> None:
        r = c.post("/api/v1" + path, headers=h(who), **kw)
        out[f"{who} POST {path}"] = [r.status_code, r.json()]
    A = f"/municipalities/{CODE_A}"
    for p in ["/municipalities", A, A + "/statistics", A + "/statistics?measure=employment&region_code=" + CODE_A,
              "/classifications/nace", "/classifications/nace?level=section&locale=en",
              "/economy/presets", A + "/economy", "/assessment/frameworks", A + "/ledger", A + "/resilience",
              A + "/infrastructure/assets", A + "/infrastructure/dependencies", A + "/infrastructure/cascade",
              A + "/infrastructure/cascade?fail=PS-01&horizon_hours=48", A + "/infrastructure/runs/criticality",
              A + "/infrastructure/runs/restoration"]:
        get(p)
    get(A + "/infrastructure/assets", "viewer")
    get(A + "/infrastructure/assets", "facilitator")
    post(A + "/statistics/import?dry_run=true", files={"file": ("s.csv", b"region_code,year,sector_code,measure,value,unit,source\n" + CODE_A.encode() + b",2021,10,employment,120,persons,x\n", "text/csv")})
    post(A + "/ledger/import?dry_run=true", files={"file": ("l.csv", LEDGER_CSV, "text/csv")})
    post(A + "/ledger/import", files={"file": ("l.csv", LEDGER_CSV, "text/csv")})
    post(A + "/resilience", json={"framework": "hromada-wartime-resilience", "assessed_on": "2026-02-01", "assessor": "me", "scores": {}, "evidence": {}})
    post(A + "/economy/analyze")
    post(A + "/economy/analyze?preset=hidalgo")
    post(A + "/infrastructure/criticality")
    post(A + "/infrastructure/restoration", json={"crews": 2})
    post(A + "/infrastructure/restoration", json={"crews": 1, "budget": 10.0})
    for p in [A + "/ledger", A + "/resilience", A + "/infrastructure/runs/restoration", A + "/infrastructure/runs/criticality", A + "/economy"]:
        get(p)
    def scrub(v: object) -> object:
        if isinstance(v, dict):
            return {k: ("<x>" if k in ("created_at", "import_id") else scrub(x)) for k, x in v.items()}
        if isinstance(v, list):
            return [scrub(x) for x in v]
        return v
    with open(f"/tmp/snap/{label}.json", "w") as f:
        json.dump(scrub(out), f, indent=1, sort_keys=True, allow_nan=False)
