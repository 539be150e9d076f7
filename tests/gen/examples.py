#!/usr/bin/env python3
"""Extract the JSON examples of a provider's documents into
tests/vectors/examples/<provider>/, once, each with the section it comes
from. The documents (the project's copies, ../shared/seeds/) are not part of
the repository; the extracted files are, and the tests read only those.

    python3 tests/gen/examples.py [path/to/seeds]

Today: PayCA's integration guide (curl examples: `-d '<json>'` request bodies
and `-F` multipart parts, under their "B2B Flow" / "B2C Flow" step headings)
and PinToPay's API documentation (its JSON blocks: the envelope, a decrypted
payload, the standard error object).
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


if __name__ == "__main__":
    main()
