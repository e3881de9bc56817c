#!/usr/bin/env python3
"""Side-by-side accuracy and speed: fangxian vs the PII tools a user might pick instead.

Generates one corpus with `fangxian gen` (UTF-8, uncompressed, so that every peer can read it),
runs each tool on it the way its documentation recommends for bulk text (batches of lines, not
one giant string), converts its output to the contract's findings (shared/contracts/scan-output.md
§1, canonical values of §2) and scores it with `fangxian eval`. Prints a Markdown table and writes
it to bench/peers/RESULTS.md.

    python3 -m venv /tmp/peers-venv
    /tmp/peers-venv/bin/pip install helan presidio-analyzer datafog-core
    /tmp/peers-venv/bin/python bench/peers/run.py --fangxian target/release/fangxian --size 20MB

Peers (versions are printed into the results):
  * ripgrep: `rg -o` with one regex per type (no validation), the baseline of issue 4;
  * helan (PyPI): Chinese-first detection, `helan.recognize` per batch;
  * presidio-analyzer (PyPI): the no_op NLP engine (no model download), its e-mail, IP and credit
    card recognizers plus the Chinese ID and mobile pattern recognizers a user writes following
    its "adding recognizers" docs;
  * datafog-core (PyPI, Rust core): `datafog_core.scan` per batch, default entities.
"""

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import unicodedata

BATCH_LINES = 200

# --- canonical values (contract §2), applied to every peer's raw matches --------------------

ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_check(first17):
    s = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS))
    return "10X98765432"[s % 11]


def canon(kind, raw):
    t = unicodedata.normalize("NFKC", raw).strip()
    if kind in ("cn_mobile", "bank_card", "imei", "qq", "taiwan_permit"):
        d = re.sub(r"\D", "", t)
        if kind == "cn_mobile":
            if len(d) == 15 and d.startswith("0086"):
                d = d[4:]
            elif len(d) == 13 and d.startswith("86"):
                d = d[2:]
        return d
    if kind in ("cn_resident_id", "cn_residence_permit"):
        v = re.sub(r"[\s-]", "", t).upper()
        if len(v) == 15 and v.isdigit():
            first17 = v[:6] + "19" + v[6:]
            v = first17 + id_check(first17)
        return v
    if kind == "cn_landline":
        d = re.sub(r"\D", "", t)
        if d.startswith("86") and not d.startswith("0"):
            d = "0" + d[2:]
        n = 3 if d[:2] in ("01", "02") else 4
        return d[:n] + "-" + d[n:]
    if kind == "email":
        local, _, domain = t.rpartition("@")
        return local + "@" + domain.lower()
    if kind in ("cn_plate", "cn_uscc", "cn_passport", "hk_macau_permit"):
        v = re.sub(r"[\s·・.-]", "", t).upper()
        if kind == "hk_macau_permit" and len(v) == 11:
            v = v[:9]
        return v
    if kind == "person_name":
        return re.sub(r"\s+", "", t)
    if kind == "address":
        return re.sub(r"\s+", " ", t)
    if kind == "gps_point":
        try:
            lat, lon = [float(x) for x in re.split(r"[,\s]+", t) if x][:2]
            return f"{lat:.6f},{lon:.6f}"
        except ValueError:
            return t
    return t


def data_files(data_dir):
    for root, _, files in os.walk(data_dir):
        for f in sorted(files):
            yield os.path.join(root, f)


def batches(data_dir):
    for path in data_files(data_dir):
        with open(path, encoding="utf-8", errors="replace") as fh:
            buf = []
            for line in fh:
                buf.append(line)
                if len(buf) >= BATCH_LINES:
                    yield "".join(buf)
                    buf = []
            if buf:
                yield "".join(buf)


def corpus_bytes(data_dir):
    return sum(os.path.getsize(p) for p in data_files(data_dir))


def write_findings(path, found):
    with open(path, "w", encoding="utf-8") as out:
        for kind, value in found:
            out.write(json.dumps({"source": "-", "record": 0, "field": None, "type": kind,
                                  "value": value, "valid": True, "confidence": 1.0},
                                 ensure_ascii=False) + "\n")


# --- peers run inside this script (one process each, so RSS is theirs) ----------------------

HELAN_TYPES = {"ID_CARD": "cn_resident_id", "PHONE": "cn_mobile", "LANDLINE": "cn_landline",
               "BANK_CARD": "bank_card", "EMAIL": "email", "IP_ADDRESS": "ipv4",
               "LICENSE_PLATE": "cn_plate", "PASSPORT": "cn_passport",
               "PERSON_NAME": "person_name", "ADDRESS": "address", "USCC": "cn_uscc"}
PRESIDIO_TYPES = {"CN_RESIDENT_ID": "cn_resident_id", "CN_MOBILE": "cn_mobile",
                  "CREDIT_CARD": "bank_card", "EMAIL_ADDRESS": "email", "IP_ADDRESS": "ipv4"}
DATAFOG_TYPES = {"EMAIL": "email", "PHONE": "cn_mobile", "IP_ADDRESS": "ipv4",
                 "CREDIT_CARD": "bank_card", "PERSON": "person_name"}


def run_peer(name, data_dir, out_path):
    """Runs one Python peer over the corpus; prints {"seconds", "rss_kb", "version"} as JSON."""
    if name == "helan":
        import helan
        version = helan.__version__

        def detect(text):
            for e in helan.recognize(text):
                if e.type in HELAN_TYPES:
                    yield HELAN_TYPES[e.type], e.text
    elif name == "presidio":
        from importlib.metadata import version as pkg_version
        from presidio_analyzer import (AnalyzerEngine, Pattern, PatternRecognizer,
                                       RecognizerRegistry)
        from presidio_analyzer.nlp_engine import NoOpNlpEngine
        from presidio_analyzer.predefined_recognizers import (CreditCardRecognizer,
                                                              EmailRecognizer, IpRecognizer)
        version = pkg_version("presidio-analyzer")
        registry = RecognizerRegistry(supported_languages=["zh"])
        for r in (EmailRecognizer(supported_language="zh"), IpRecognizer(supported_language="zh"),
                  CreditCardRecognizer(supported_language="zh")):
            registry.add_recognizer(r)
        # Following presidio's "adding a new recognizer" docs: a regex per Chinese type, with
        # context words that raise the score.
        registry.add_recognizer(PatternRecognizer(
            supported_entity="CN_RESIDENT_ID", supported_language="zh",
            patterns=[Pattern("cn_id", r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])", 0.6)],
            context=["身份证", "证件", "sfzh"]))
        registry.add_recognizer(PatternRecognizer(
            supported_entity="CN_MOBILE", supported_language="zh",
            patterns=[Pattern("cn_mobile", r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)",
                              0.5)],
            context=["手机", "电话", "mobile", "phone"]))
        nlp = NoOpNlpEngine(models=[{"lang_code": "zh", "model_name": "no_op"}])
        nlp.load()
        engine = AnalyzerEngine(registry=registry, nlp_engine=nlp,
                                supported_languages=["zh"])

        def detect(text):
            for r in engine.analyze(text=text, language="zh"):
                if r.entity_type in PRESIDIO_TYPES and r.score >= 0.5:
                    yield PRESIDIO_TYPES[r.entity_type], text[r.start:r.end]
    elif name == "datafog":
        import datafog_core
        from importlib.metadata import version as pkg_version
        version = pkg_version("datafog-core")

        def detect(text):
            for f in datafog_core.scan(text):
                if f.entity_type in DATAFOG_TYPES:
                    yield DATAFOG_TYPES[f.entity_type], f.matched_text
    else:
        raise SystemExit(f"unknown peer {name}")

    raw = []
    start = time.perf_counter()
    for text in batches(data_dir):
        raw.extend(detect(text))
    seconds = time.perf_counter() - start
    found = {(k, canon(k, v)) for k, v in raw}
    write_findings(out_path, sorted(found))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "rss_kb": rss, "version": version}))


# --- ripgrep --------------------------------------------------------------------------------

RG_PATTERNS = {
    "cn_resident_id": r"\b\d{17}[\dXx]\b",
    "cn_mobile": r"\b1[3-9]\d{9}\b",
    "bank_card": r"\b62\d{14,17}\b",
    "email": r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    "ipv4": r"\b(?:\d{1,3}\.){3}\d{1,3}\b",
    "cn_plate": r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Z][A-HJ-NP-Z0-9]{5,6}",
}


def timed(cmd, stdout):
    """Runs cmd under /usr/bin/time; returns (seconds, max RSS in KB)."""
    t = subprocess.run(["/usr/bin/time", "-f", "%e %M", *cmd], stdout=stdout,
                       stderr=subprocess.PIPE, text=True, check=False)
    last = t.stderr.strip().splitlines()[-1].split()
    return float(last[0]), int(last[1])


def run_ripgrep(data_dir, out_path):
    seconds, rss, found = 0.0, 0, set()
    for kind, pat in RG_PATTERNS.items():
        tmp = out_path + "." + kind
        with open(tmp, "w") as fh:
            s, r = timed(["rg", "-o", "--no-filename", "--no-line-number", "-e", pat, data_dir], fh)
        seconds += s
        rss = max(rss, r)
        with open(tmp, encoding="utf-8", errors="replace") as fh:
            found.update((kind, canon(kind, line)) for line in fh if line.strip())
        os.remove(tmp)
    write_findings(out_path, sorted(found))
    version = subprocess.run(["rg", "--version"], capture_output=True, text=True).stdout.split()[1]
    return seconds, rss, version


def evaluate(fangxian, gold, findings):
    out = subprocess.run([fangxian, "eval", "--gold", gold, "--findings", findings, "--json"],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


# The types each tool can report at all; other columns of the table show "–".
SUPPORTED = {
    "ripgrep": set(RG_PATTERNS),
    "helan": set(HELAN_TYPES.values()),
    "presidio": set(PRESIDIO_TYPES.values()),
    "datafog": set(DATAFOG_TYPES.values()),
}

TABLE_TYPES = ["cn_resident_id", "cn_mobile", "bank_card", "cn_uscc", "imei", "email", "ipv4",
               "cn_plate", "person_name", "address"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fangxian", default="target/release/fangxian")
    ap.add_argument("--size", default="20MB")
    ap.add_argument("--seed", default="7")
    ap.add_argument("--work", default="/tmp/fangxian-peers")
    ap.add_argument("--peers", default="fangxian,ripgrep,helan,presidio,datafog")
    ap.add_argument("--python", default=sys.executable, help="interpreter with the peers installed")
    ap.add_argument("--results", default=os.path.join(os.path.dirname(__file__), "RESULTS.md"))
    ap.add_argument("--peer", help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.peer:
        return run_peer(a.peer, a.data, a.out)

    shutil.rmtree(a.work, ignore_errors=True)
    corpus = os.path.join(a.work, "corpus")
    subprocess.run([a.fangxian, "gen", "--out", corpus, "--size", a.size, "--seed", a.seed,
                    "--encodings", "utf8", "--compress", "none", "--quiet",
                    # Text formats only: the peers read files as text (no SQLite).
                    "--formats", "csv,tsv,json,jsonl,mysql,pgdump,txt"], check=True)
    data, gold = os.path.join(corpus, "data"), os.path.join(corpus, "gold")
    mb = corpus_bytes(data) / 1e6
    rows = []
    for peer in a.peers.split(","):
        out = os.path.join(a.work, peer + ".jsonl")
        if peer == "fangxian":
            s, rss = timed([a.fangxian, "scan", data, "--findings", out, "--quiet"],
                           subprocess.DEVNULL)
            version = subprocess.run([a.fangxian, "--version"], capture_output=True,
                                     text=True).stdout.split()[-1]
        elif peer == "ripgrep":
            s, rss, version = run_ripgrep(data, out)
        else:
            p = subprocess.run([a.python, __file__, "--peer", peer, "--data", data, "--out", out],
                               capture_output=True, text=True)
            if p.returncode != 0:
                print(f"{peer}: failed\n{p.stderr[-2000:]}", file=sys.stderr)
                continue
            r = json.loads(p.stdout.strip().splitlines()[-1])
            s, rss, version = r["seconds"], r["rss_kb"], r["version"]
        ev = evaluate(a.fangxian, gold, out)
        f1 = {t["type"]: t["f1"] for t in ev["types"]}
        rows.append((peer, version, mb / max(s, 1e-9), rss / 1024, f1, ev["micro"]["f1"],
                     ev["decoys_reported_valid"]))
        print(f"{peer} {version}: {mb / max(s, 1e-9):.1f} MB/s, micro F1 {ev['micro']['f1']:.4f}",
              file=sys.stderr)

    head = ("| tool | version | MB/s | peak RSS MB | " + " | ".join(TABLE_TYPES)
            + " | all (micro F1) | decoys reported valid |")
    lines = [head, "|" + "---|" * (len(TABLE_TYPES) + 6)]
    for peer, version, mbps, rss, f1, micro, decoys in rows:
        supported = SUPPORTED.get(peer)
        cells = [f"{f1[t]:.3f}" if t in f1 and (supported is None or t in supported) else "–"
                 for t in TABLE_TYPES]
        lines.append(f"| {peer} | {version} | {mbps:.1f} | {rss:.0f} | " + " | ".join(cells)
                     + f" | {micro:.3f} | {decoys} |")
    uname = os.uname()
    text = (f"# Peers on one corpus\n\nCommand: `{' '.join(sys.argv)}`  \n"
            f"Corpus: `fangxian gen --size {a.size} --seed {a.seed} --encodings utf8 "
            f"--compress none --formats csv,tsv,json,jsonl,mysql,pgdump,txt` ({mb:.1f} MB)  \n"
            f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  \n"
            f"Machine: {uname.sysname} {uname.machine}, {os.cpu_count()} CPUs "
            f"(load average {os.getloadavg()[0]:.1f} at the end)\n\n"
            "F1 over distinct (type, value) pairs per `fangxian eval`; – = the tool has no such "
            "type. MB/s is corpus bytes over the tool's detection time.\n\n"
            + "\n".join(lines) + "\n")
    with open(a.results, "w", encoding="utf-8") as fh:
        fh.write(text)
    print(text)


if __name__ == "__main__":
    main()
