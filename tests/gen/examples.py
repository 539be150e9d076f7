#!/usr/bin/env python3
"""Extract the JSON examples of a provider's documents into
tests/vectors/examples/<provider>/, once, each with the section it comes
from. The documents (the project's copies, ../shared/seeds/) are not part of
the repository; the extracted files are, and the tests read only those.

    python3 tests/gen/examples.py [path/to/seeds]

Today: PayCA's integration guide (curl examples: `-d '<json>'` request bodies
and `-F` multipart parts, under their "B2B Flow" / "B2C Flow" step headings)
PinToPay's API documentation (its JSON blocks: the envelope, a decrypted
payload, the standard error object) and the WorldCard documentation's JSON
blocks (Card/* and legacy, by page).
"""
import hashlib
import json
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SEEDS = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "seeds"


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def payca(path: pathlib.Path) -> list[dict]:
    text = path.read_text()
    lines = text.splitlines()
    flows = {"B2B Flow", "B2C Flow"}
    flow, step, comment = "", "", ""
    out = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.strip() in flows:
            flow = line.strip()
        elif line.startswith("Step "):
            step = line.strip()
        elif line.startswith("# "):
            comment = line[2:].strip()
        if line.startswith("curl "):
            block = [line]
            while block[-1].rstrip().endswith("\\") or block[-1].strip().startswith("-d '") and not block[-1].rstrip().endswith("'"):
                i += 1
                block.append(lines[i])
            # A -d body runs to its closing quote.
            joined = "\n".join(block)
            if "-d '" in joined and not re.search(r"-d '(.*?)'\s*$", joined, re.S):
                while not lines[i].rstrip().endswith("'"):
                    i += 1
                    block.append(lines[i])
                joined = "\n".join(block)
            method = re.search(r"-X (\w+)", joined)
            url = re.search(r'"\$PAYCA_BASE_URL([^"]+)"', joined)
            body = re.search(r"-d '(.*)'", joined, re.S)
            parts = re.findall(r'-F "([^"=]+)=([^"]*)"', joined)
            source = ", ".join(x for x in (flow, step, comment) if x)
            example = {
                "source": f"PayCA integration guide: {source}",
                "kind": "request",
                "method": method.group(1) if method else "GET",
                "path": url.group(1),
            }
            if body:
                example["body"] = json.loads(body.group(1))
            if parts:
                example["multipart"] = {k: v for k, v in parts}
            example["name"] = slug(f"{flow} {step} {comment}".replace("Step ", "step"))
            out.append(example)
            comment = ""
        i += 1
    # The error messages of "Error Handling", in order.
    start = lines.index("Error Handling")
    messages = []
    for line in lines[start + 2:]:
        m = re.match(r"(.+?) (Missing|BIN has|KYC not|Cardholder passed)", line)
        if m:
            messages.append(m.group(1))
    out.append({"source": "PayCA integration guide: Error Handling", "kind": "error_messages", "name": "error_handling", "messages": messages})
    return out


def pintopay(path: pathlib.Path) -> list[dict]:
    """The JSON blocks of PinToPay's "API Documentation", each named by the
    heading it follows (the page runs a block's closing brace into the next
    heading: "}Decrypted payload")."""
    text = path.read_text()
    out = []
    headings = {"Encrypted envelope": "envelope", "Decrypted payload": "plaintext", "Standard error object": "error"}
    for m in re.finditer(r"(?m)^\{\n(?:.*\n)*?\}", text):
        before = text[: m.start()]
        heading = max(headings, key=lambda h: before.rfind(h))
        out.append({
            "source": f"PinToPay API Documentation: {heading}",
            "kind": headings[heading],
            "name": slug(heading),
            "body": json.loads(m.group(0)),
        })
    return out


def worldcard(path: pathlib.Path) -> tuple[list[dict], list[dict]]:
    """The JSON blocks of the WorldCard documentation, `Card/*` and legacy
    apart. One long file of pages (`--- # Title`); a page names its endpoint
    as `${baseUrl}/path` (or a bare `/api/...`, `/op/...` URL block); the flow
    guides mark a block with `POST /path` just before it. A block is a
    response (`code`/`message`: Card/*; `success`/`status`/`msg`: legacy), a
    request (a marked block, or the plain fields on an endpoint page), a
    webhook (a webhook page's block) or a fragment (a part of a payload shown
    alone; named, not checked)."""
    text = path.read_text()
    current, legacy = [], []
    for page in re.split(r" --- (?=# )", text):
        title_m = re.match(r"\s*#\s+(.+?)(?:\s+##|\s+\*\*|\s*$)", page)
        title = title_m.group(1).strip().split(" This ")[0] if title_m else ""
        last = []
        urls = re.findall(r"\$\{baseUrl\}(/[A-Za-z0-9_/{}.-]+)", page)
        urls += re.findall(r"```\s*(?:https?://[^/\s]+)?(/(?:api|op)/[A-Za-z0-9_/.-]+)\s*```", page)
        urls = [u for u in dict.fromkeys(urls) if "..." not in u]
        for n, m in enumerate(re.finditer(r"```json\s*(.*?)```", page, re.S)):
            example_part = None
            raw = m.group(1)
            marker = re.findall(r"(?:POST|GET) (/(?:api|op)/[A-Za-z0-9_/.-]+)", raw.split("{", 1)[0] + page[max(0, m.start() - 120):m.start()])
            # A leading `// POST /path` or `// rejected and retryable` comment.
            body = json.loads(re.sub(r"^\s*//[^{\[]*", "", raw))
            is_legacy = any(u.startswith(("/op/", "/api/card/", "/api/v1/legacy/")) for u in urls) or title.startswith(("Bill-Webhook", "close-Webhook", "Webhook", "OOB")) and not title.startswith("Webhook Callbacks")
            if isinstance(body, dict) and set(body) == {"data"} and isinstance(body["data"], str) and not is_legacy:
                kind = "envelope"
            elif isinstance(body, dict) and {"code", "message"} <= body.keys():
                kind = "response"
            elif isinstance(body, dict) and {"success", "status"} <= body.keys():
                kind = "response"
            elif "webhook" in title.lower() or title in ("OOB",):
                kind = "webhook"
            elif marker or (urls and "flow" not in title.lower() and "guide" not in title.lower()):
                kind = "request"
            else:
                kind = "fragment"
            paths = marker[-1:] if marker else urls
            hooks = {"Bill-Webhook": "bill", "close-Webhook": "close", "Webhook": "virtual_p", "OOB": "oob"}
            if kind == "webhook" and is_legacy and title in hooks:
                paths = [hooks[title]]  # the legacy webhook the page describes
                if title == "OOB":
                    example_part = "data"  # the page shows what the `data` string holds
            if kind == "fragment" and {"retry_allowed", "review_answer"} <= set(body):
                # "When the callback/query returns status=3": the KYC Status answer's data, shown alone.
                kind, paths, example_part = "response", ["/api/v1/card/physical/kyc/status"], "data"
            if kind == "fragment" and "card_kyc" in page[max(0, m.start() - 300):m.start()]:
                kind, paths = "webhook", ["card_kyc"]  # "a card_kyc callback ... Decrypted payload"
            if kind == "request":
                last = paths
            elif kind == "response" and not paths:
                paths = last  # a flow guide's answer to the request just shown
            example = {
                "source": f"WorldCard API documentation: {title}" + (f" (block {n + 1})" if n else ""),
                "kind": kind,
                "paths": paths,
                "name": slug(f"{title[:40]} {n + 1} {kind}"),
                "body": body,
            }
            if example_part:
                example["part"] = example_part
            (legacy if is_legacy else current).append(example)
    return current, legacy


def gateway(path: pathlib.Path) -> list[dict]:
    """The Wasabi gateway documentation's JSON: the multi-line blocks (each
    named by the line before it; `// comments` dropped and the page's `{ ... }`
    / `[ ... ]` placeholders read as empty, which the example records), and the
    curl request bodies (`-d '{...}'`) that are whole JSON."""
    lines = path.read_text().splitlines()
    out = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == "{":
            heading = next((lines[k].strip() for k in range(i - 1, -1, -1) if lines[k].strip()), "")
            for j in range(i, min(i + 80, len(lines))):
                raw = "\n".join(re.sub(r"\s//.*$", "", x) for x in lines[i:j + 1])
                normalized = raw.replace("{ ... }", "{}").replace("[ ... ]", "[]")
                try:
                    body = json.loads(normalized)
                except json.JSONDecodeError:
                    continue
                kind = "error" if body.get("success") is False else "response"
                ex = {"source": f"Wasabi Card API (gateway) documentation: {heading}", "kind": kind, "paths": [], "name": slug(f"{heading} {kind}"), "body": body}
                if "/api/v1/" in lines[i - 1] or "webhook-events" in " ".join(lines[max(0, i - 30):i]):
                    ex["paths"] = ["/api/v1/webhook-events"]
                if normalized != raw:
                    ex["placeholders"] = "the page's `{ ... }` / `[ ... ]` read as empty"
                out.append(ex)
                i = j
                break
        for m in re.finditer(r"curl -X (\w+) \S+?(/api/v1/[A-Za-z0-9_/-]+).*?-d '(\{.*?\})'", lines[i]):
            try:
                body = json.loads(m.group(3))
            except json.JSONDecodeError:
                continue  # `{ "cardHolderModel": "B2C", ... }`: an elided body
            out.append({"source": "Wasabi Card API (gateway) documentation: cURL example", "kind": "request", "method": m.group(1), "paths": [m.group(2)], "name": slug(f"curl {m.group(2)}"), "body": body})
        i += 1
    return out


def write(provider: str, label: str, seed: pathlib.Path, examples: list[dict]) -> None:
    digest = hashlib.sha256(seed.read_bytes()).hexdigest()
    target = ROOT / "tests/vectors/examples" / provider
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.json"):
        old.unlink()
    for n, ex in enumerate(examples):
        ex["document_sha256"] = digest
        (target / f"{n:02d}_{ex['name']}.json").write_text(json.dumps(ex, indent=2, ensure_ascii=False) + "\n")
    print(f"{len(examples)} {label} examples -> {target.relative_to(ROOT)}")


def main() -> None:
    seed = next(SEEDS.glob("004_*.txt"))
    write("payca", "PayCA", seed, payca(seed))
    seed = next(SEEDS.glob("003_*.txt"))
    write("pintopay", "PinToPay", seed, pintopay(seed))
    seed = next(SEEDS.glob("002_*.txt"))
    current, legacy = worldcard(seed)
    write("worldcard", "WorldCard Card/*", seed, current)
    write("worldcard-legacy", "WorldCard legacy", seed, legacy)
    seed = next(SEEDS.glob("000_*.txt"))
    write("wasabi-gateway", "Wasabi gateway", seed, gateway(seed))


if __name__ == "__main__":
    main()
