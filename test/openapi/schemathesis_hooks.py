"""Schemathesis hooks of test/openapi/schemathesis.sh: what the document states in words but a
JSON Schema cannot (see docs/openapi.md, "What the schema cannot say").

- `minPosition` is a position of the log the route reads: one beyond the log's head is refused
  with 400 (`beyond-log-head`) at once, so drawn positions above the head of the seeded register
  are lowered to it (SCHEMATHESIS_LOG_HEAD).
- `cursor` is a `nextCursor` the API gave; a drawn one is not (400 `cursor`): it is left out.
- Rules across query parameters: `GET /members` takes `branchId` or `unitId`, not both (400
  `one-of`); `afterPosition` on `GET /audit/events` needs `service` (400 `needs-service`).
"""

import os

import schemathesis

LOG_HEAD = int(os.environ.get("SCHEMATHESIS_LOG_HEAD", "0"))
NEW_TARGET_FIELDS = {"branchId": ("name", "area", "parentUnitId", "id"), "unitId": ("name", "kind", "parentId", "id")}


@schemathesis.hook
def map_case(context, case):
    if isinstance(case.query, dict):
        query = dict(case.query)
        position = query.get("minPosition")
        if isinstance(position, int) and not isinstance(position, bool) and position > LOG_HEAD:
            query["minPosition"] = LOG_HEAD
        query.pop("cursor", None)
        if "branchId" in query and "unitId" in query:
            query.pop("unitId")
        if "afterPosition" in query and "service" not in query:
            query.pop("afterPosition")
        case.query = query
    if isinstance(case.body, dict) and isinstance(case.body.get("into"), dict):
        into = dict(case.body["into"])
        for existing, new_fields in NEW_TARGET_FIELDS.items():
            if existing in into and any(field in into for field in new_fields):
                into.pop(existing)
        case.body = {**case.body, "into": into}
    return case
