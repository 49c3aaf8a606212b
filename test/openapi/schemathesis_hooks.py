"""Schemathesis hooks of test/openapi/schemathesis.sh: what the document states in words but a
JSON Schema cannot (see docs/openapi.md, "What the schema cannot say").

- `minPosition` is a position of the log the route reads: one beyond the log's head is read as the
  head; drawn positions above the head of the seeded register are lowered to it
  (SCHEMATHESIS_LOG_HEAD), so that each case asks what the words of the document say.
- `cursor` is a `nextCursor` the API gave; a drawn one is not (400 `cursor`): it is left out.
- No string of a body holds the NUL character (400 `no-nul-character`, every route, as the
  document's description says): the coverage phase draws some despite `allow-x00 = false`. Nor
  another C0 or C1 control character but tab, line feed and carriage return (400
  `no-control-character`, every route, as the README says).
- Rules across query parameters: `GET /members` takes `branchId` or `unitId`, not both (400
  `one-of`); `afterPosition` on `GET /audit/events` needs `service` (400 `needs-service`);
  `knownAt` reads a day, not beside an instant `asOf` (400 `known-at-with-instant`); an export's
  `toPosition` is not before its `fromPosition` (400 `from-after-to`).
- A member import's `file` is a spreadsheet whose first row names the columns: a drawn one is
  replaced by a header-only CSV, imported as a dry run.
- Rules across body fields: a rating's `grade` is one of its `scale`'s grades (400
  `grade-in-scale`), alone or as an item of a batch; a unit merger into a new unit names two sources or more (400
  `merge-needs-two-sources`), describes the new unit whole (name, kind, parentId), and is not
  a merger of a unit into itself (400 `merge-into-itself`); a course's completion names each member
  once in `results`, and a competition's results each member once in `awards` (400 `arrayUnique`:
  uniqueness by one field of the items, which `uniqueItems` cannot say).
"""
import os
import re

import schemathesis

LOG_HEAD = int(os.environ.get("SCHEMATHESIS_LOG_HEAD", "0"))


def _positive(case):
    """A case drawn as valid: only those are kept to what the words say (a negative one stays as drawn)."""
    meta = getattr(case, "meta", None)
    return meta is None or not meta.generation.mode.is_negative


def _position(value):
    """minPosition as drawn: an int, or its text (the coverage phase sends query values as text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _keep_to_the_words(query):
    position = _position(query.get("minPosition"))
    if position is not None and position > LOG_HEAD:
        query["minPosition"] = LOG_HEAD
    query.pop("cursor", None)
    if "branchId" in query and "unitId" in query:
        query.pop("unitId")
    if "afterPosition" in query and "service" not in query:
        query.pop("afterPosition")
    if query.get("knownAt") and "T" in str(query.get("asOf", "")):
        query.pop("knownAt")
    # An export's range runs forwards: toPosition not before fromPosition (400 `from-after-to`).
    span = (_position(query.get("fromPosition")), _position(query.get("toPosition")))
    if None not in span and span[1] < span[0]:
        query["fromPosition"], query["toPosition"] = query["toPosition"], query["fromPosition"]
    return query


def _keep_headers_to_the_words(path, body, headers):
    # If-Match names the version of the unit that absorbs the sources: a merger into a new unit has none.
    if path.endswith("/unit-mergers") and isinstance(body, dict) and isinstance(body.get("into"), dict) and "name" in body["into"]:
        headers.pop("If-Match", None)
    return headers


@schemathesis.hook
def before_call(context, case, kwargs):
    """Every phase's requests (examples, coverage, fuzzing, stateful) pass here before they are sent."""
    if isinstance(case.query, dict) and _positive(case):
        case.query = _keep_to_the_words(dict(case.query))
        # The summary's minPosition names a position per log (organisation:12,…), each at most its head.
        if case.path.endswith("/summary"):
            case.query.pop("minPosition", None)
        # A period runs forwards: `to` not before `from` (400 `not-before-from`).
        span = (case.query.get("from"), case.query.get("to"))
        if all(isinstance(d, str) for d in span) and span[1] < span[0]:
            case.query["from"], case.query["to"] = span[1], span[0]
    if isinstance(case.headers, dict) and _positive(case):
        case.headers = _keep_headers_to_the_words(case.path, case.body, dict(case.headers))
        if isinstance(kwargs.get("headers"), dict):
            _keep_headers_to_the_words(case.path, case.body, kwargs["headers"])
    if isinstance(case.body, dict) and _positive(case):
        case.body = _keep_body_to_the_words(case.path, _without_nul(dict(case.body)))


GRADES = {
    "four-level": ["excellent", "good", "completed", "not-completed"],
    "branch-classic": ["strong", "good", "average", "weak"],
    "member-classic": ["excellent", "good", "average", "weak"],
}


def _keep_body_to_the_words(path, body):
    if path.endswith("/member-imports"):
        # The file is a spreadsheet whose first row names the columns (415 or 400 otherwise): the
        # header alone, as a dry run, is a file the words allow.
        body["file"] = b"fullName,dateOfBirth,gender,admittedOn,branch\r\n"
        body["dryRun"] = "true"
    if path.endswith("/ratings") and body.get("scale") in GRADES and body.get("grade") not in GRADES[body["scale"]]:
        body["grade"] = GRADES[body["scale"]][0]
    if path.endswith("/rating-batches") and isinstance(body.get("ratings"), list):
        # Each item as a rating alone: its grade one of its scale's.
        for item in body["ratings"]:
            if isinstance(item, dict) and item.get("scale") in GRADES and item.get("grade") not in GRADES[item["scale"]]:
                item["grade"] = GRADES[item["scale"]][0]
    for key, route in (("results", "/completion"), ("awards", "/results")):
        if path.endswith(route) and isinstance(body.get(key), list):
            body[key] = _each_member_once(body[key])
    if path.endswith("/branch-splits"):
        # api.md's words stand for the DTO's (sourceBranchIds for sourceBranchId, into for parts): one of each pair (400 `one-of`).
        if "sourceBranchId" in body:
            body.pop("sourceBranchIds", None)
        if "parts" in body:
            body.pop("into", None)
    into = body.get("into")
    if path.endswith("/unit-mergers") and isinstance(into, dict) and "name" in into and "unitId" not in into:
        # A new unit is described whole: its kind and its parent, beside its name.
        into.setdefault("kind", "grassroots")
        into.setdefault("parentId", "tw")
    sources = body.get("sourceUnitIds")
    if path.endswith("/unit-mergers") and isinstance(into, dict) and isinstance(sources, list) and into.get("unitId") in sources:
        # A unit is not merged into itself (400 `merge-into-itself`).
        body["sourceUnitIds"] = [s for s in sources if s != into["unitId"]] or ["tw-source-1"]
        sources = body["sourceUnitIds"]
    if path.endswith("/unit-mergers") and isinstance(sources, list) and isinstance(body.get("into"), dict) and "name" in body["into"] and len(set(map(str, sources))) < 2:
        body["sourceUnitIds"] = [*sources, "tw-source-2"] if sources else ["tw-source-1", "tw-source-2"]
    return body



def _each_member_once(items):
    """The items with the first of each memberId kept (items without a string memberId stay as drawn)."""
    seen = set()
    kept = []
    for item in items:
        member = item.get("memberId") if isinstance(item, dict) else None
        if isinstance(member, str):
            if member in seen:
                continue
            seen.add(member)
        kept.append(item)
    return kept


CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _without_nul(value):
    """The body with every NUL, and every other control character but tab, LF and CR, taken out of its strings and keys."""
    if isinstance(value, str):
        return CONTROLS.sub("", value)
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {_without_nul(k): _without_nul(v) for k, v in value.items()}
    return value
