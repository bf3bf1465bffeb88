#!/usr/bin/env python3
"""Rebuild hepkey's shipped dataset catalog (crates/data/catalog/*.json) from public sources.

Every number written here is read from a named file at a named commit of a public
repository (or, for one HEPData archive, measured on the copy in ../shared); nothing is
typed in by hand. Run from the repository root:

    python3 crates/data/tools/build_catalog.py \
        --opendata   PATH/TO/cernopendata/opendata.cern.ch (git dir or clone) \
        --notebooks  PATH/TO/atlas-outreach-data-tools/notebooks-collection-opendata \
        --agc        PATH/TO/iris-hep/analysis-grand-challenge \
        --pyhf       PATH/TO/scikit-hep/pyhf \
        --shared     ../shared

Each source is read with `git show <commit>:<path>` at its HEAD (or --*-commit).
"""

import argparse
import ast
import json
import os
import re
import subprocess
import sys
import zlib

SCHEMA = 1
EOS_ROOT = "root://eospublic.cern.ch//eos/opendata/"
PORTAL_HTTPS = "https://opendata.cern.ch/eos/opendata/"


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", git_dir(repo), *args], check=True,
                          capture_output=True).stdout


def git_dir(repo):
    dotgit = os.path.join(repo, ".git")
    return dotgit if os.path.isdir(dotgit) else repo


def head(repo, commit):
    return git(repo, "rev-parse", commit or "HEAD").decode().strip()


def show(repo, commit, path):
    return git(repo, "show", f"{commit}:{path}")


def source(repo_name, path, commit):
    return {"repo": repo_name, "path": path, "commit": commit}


def https_of(uri):
    """The portal serves every eospublic opendata path over HTTPS under the same path."""
    if uri.startswith(EOS_ROOT):
        return PORTAL_HTTPS + uri[len(EOS_ROOT):]
    return uri


def file_entry(f):
    checksum = f.get("checksum", "")
    if checksum and not checksum.startswith("adler32:"):
        checksum = ""
    out = {"url": https_of(f["uri"])}
    # The root:// name is written only where hepkey cannot derive it from the URL (FileEntry::root_url).
    if f["uri"].startswith("root://") and https_of(f["uri"]) == f["uri"]:
        out["root_url"] = f["uri"]
    if f.get("size"):
        out["size"] = f["size"]
    if checksum:
        out["adler32"] = checksum[len("adler32:"):]
    return out


def record_entry(r, src, **extra):
    dist = r.get("distribution", {})
    out = {
        "recid": int(r["recid"]),
        "doi": r.get("doi", ""),
        "title": r["title"],
        "source": src,
    }
    for key in ("size", "number_files", "number_events"):
        if dist.get(key):
            out[key] = dist[key]
    out.update(extra)
    return out


# ---------------------------------------------------------------- ATLAS 2020 education release

def infofile(notebooks, commit):
    path = "13-TeV-examples/uproot_python/infofile.py"
    tree = ast.parse(show(notebooks, commit, path).decode())
    for node in tree.body:
        if isinstance(node, ast.Assign) and node.targets[0].id == "infos":
            return ast.literal_eval(node.value), source(
                "atlas-outreach-data-tools/notebooks-collection-opendata", path, commit)
    sys.exit("infofile.py has no `infos` dict")


def atlas_2020(opendata, od_commit, notebooks, nb_commit):
    infos, info_src = infofile(notebooks, nb_commit)
    collections = ["1lep", "2lep", "3lep", "4lep", "exactly2lep", "GamGam", "1largeRjet1lep", "1lep1tau"]
    records, datasets = [], []
    for coll in collections:
        path = f"data/records/atlas-2020-{coll}.json"
        (r,) = json.loads(show(opendata, od_commit, path))
        src = source("cernopendata/opendata.cern.ch", path, od_commit)
        records.append(record_entry(r, src, collection=coll))
        for f in r["files"]:
            base = f["uri"].rsplit("/", 1)[1]
            fe = file_entry(f)
            if base.endswith(".zip"):
                # one dataset for the collection's zip archives (1lep has three)
                zips = [d for d in datasets if d["name"] == f"atlas-2020/{coll}/zip"]
                if zips:
                    zips[0]["files"].append(fe)
                else:
                    datasets.append({"name": f"atlas-2020/{coll}/zip", "recid": int(r["recid"]),
                                     "kind": "archive", "files": [fe]})
                continue
            m = re.fullmatch(r"data_([A-D])\.%s\.root" % re.escape(coll), base)
            if m:
                datasets.append({"name": f"atlas-2020/{coll}/data_{m[1]}", "recid": int(r["recid"]),
                                 "kind": "data", "tree": "mini", "files": [fe]})
                continue
            m = re.fullmatch(r"mc_(\d+)\.(.+)\.%s\.root" % re.escape(coll), base)
            if not m:
                # e.g. an editor backup file listed in the 2lep record: not a dataset
                print(f"{path}: skipped {base}", file=sys.stderr)
                continue
            dsid, short = int(m[1]), m[2]
            ds = {"name": f"atlas-2020/{coll}/mc_{dsid}.{short}", "recid": int(r["recid"]),
                  "kind": "mc", "tree": "mini", "files": [fe], "dsid": dsid}
            info = infos.get(short)
            if info and info.get("DSID") == dsid:
                ds["physics"] = {
                    # infofile's xsec already includes k-factor and filter efficiency
                    # (the files' XSection branch holds the same number).
                    "xsec_pb": info["xsec"],
                    "kfactor": 1.0,
                    "filter_eff": 1.0,
                    "sum_weights": info["sumw"],
                    "source": info_src,
                    **({"events": info["events"]} if "events" in info else {}),
                    "note": "xsec_pb includes k-factor and filter efficiency (infofile.py); red_eff "
                            + str(info.get("red_eff", 1)),
                }
            datasets.append(ds)
    return {"schema": SCHEMA, "group": "atlas-2020",
            "title": "ATLAS 13 TeV 2020 education release (10 fb-1 of 2016 data), tree `mini`, MeV",
            "records": records, "datasets": datasets}


# ---------------------------------------------------------------- ATLAS 2025e beta release

SKIMS_2025 = ["1lmet30", "2bjets", "2j2lmet30", "2muons", "2to4lep", "3j1lmet30", "3lep", "4lep",
              "exactly3lep", "exactly4lep", "gamgam", "noskim"]


def sample_2025(base):
    stem = base[:-len(".root")]
    m = re.match(r"ODEO_FEB2025_v0_([A-Za-z0-9]+)_(.+)$", stem)
    skim = None
    if m:
        skim, stem = m[1], m[2]
    sample, _, suffix = stem.rpartition(".")
    return skim or suffix, sample


def atlas_2025(opendata, od_commit):
    records, datasets = [], []
    for skim_lower in SKIMS_2025:
        for part in ("data", "mc"):
            path = f"data/records/atlas-odeo-FEB2025-{skim_lower}-{part}.json"
            (r,) = json.loads(show(opendata, od_commit, path))
            src = source("cernopendata/opendata.cern.ch", path, od_commit)
            skim = None
            for f in r["files"]:
                base = f["uri"].rsplit("/", 1)[1]
                file_skim, sample = sample_2025(base)
                skim = skim or file_skim
                kind = "mc" if sample.startswith("mc_") else "data"
                ds = {"name": f"atlas-2025e/{skim}/{sample}", "recid": int(r["recid"]),
                      "kind": kind, "tree": "analysis", "files": [file_entry(f)]}
                if kind == "mc":
                    ds["dsid"] = int(sample[3:].split(".")[0])
                datasets.append(ds)
            records.append(record_entry(r, src, collection=skim, part=part))
    return {"schema": SCHEMA, "group": "atlas-2025e",
            "title": "ATLAS 13 TeV 2025 education beta release (ODEO_FEB2025_v0, 2015+2016 data), tree `analysis`, GeV",
            "records": records, "datasets": datasets}


# ---------------------------------------------------------------- ATLAS 2024 research PHYSLITE (metadata)

def atlas_2024(opendata, od_commit):
    names = {"80000": "pp-2015-data", "80001": "pp-2016-data", "80010": "mc-pp-boson-nominal",
             "80011": "mc-pp-exotics-nominal", "80012": "mc-pp-higgs-nominal", "80013": "mc-pp-higgs-syst",
             "80014": "mc-pp-jet-nominal", "80015": "mc-pp-jet-syst", "80016": "mc-pp-susy-nominal",
             "80017": "mc-pp-top-nominal", "80018": "mc-pp-top-syst", "80020": "summary"}
    records, datasets = [], []
    for recid, short in names.items():
        path = f"data/records/atlas-2024-{short}.json"
        (r,) = json.loads(show(opendata, od_commit, path))
        assert r["recid"] == recid, (path, r["recid"])
        src = source("cernopendata/opendata.cern.ch", path, od_commit)
        records.append(record_entry(r, src))
        datasets.append({"name": f"atlas-2024/{short}", "recid": int(recid), "kind": "metadata",
                         "format": "DAOD_PHYSLITE", "files": []})
    return {"schema": SCHEMA, "group": "atlas-2024",
            "title": "ATLAS 2024 open data for research (DAOD_PHYSLITE, 2015-2016 pp, 71.7 TB = 65 TiB): metadata only",
            "records": records, "datasets": datasets}


# ---------------------------------------------------------------- AGC CMS NanoAOD inputs

def agc(agc_repo, commit):
    path = "analyses/cms-open-data-ttbar/nanoaod_inputs.json"
    xpath = "analyses/cms-open-data-ttbar/utils/file_input.py"
    inputs = json.loads(show(agc_repo, commit, path))
    text = show(agc_repo, commit, xpath).decode()
    tree = ast.parse(text)
    xsec = None
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "xsec_info":
            # the dict's values are arithmetic on literals; evaluate them without running the module
            xsec = {ast.literal_eval(k): eval(compile(ast.Expression(v), xpath, "eval"), {"__builtins__": {}})
                    for k, v in zip(node.value.keys, node.value.values)}
    if xsec is None:
        sys.exit(f"{xpath}: no xsec_info")
    src = source("iris-hep/analysis-grand-challenge", path, commit)
    xsrc = source("iris-hep/analysis-grand-challenge", xpath, commit)
    datasets = []
    for process, variations in inputs.items():
        for variation, v in variations.items():
            files = [{"url": f["path"], "events": f["nevts"]} for f in v["files"]]
            ds = {"name": f"agc/{process}/{variation}", "kind": "mc", "tree": "Events",
                  "files": files, "events": v["nevts_total"], "source": src}
            if xsec.get(process) is not None:
                ds["physics"] = {"xsec_pb": xsec[process], "events": v["nevts_total"], "source": xsrc,
                                 "note": "AGC normalisation: w = xsec * L / N_events (L = 3378 pb-1); no generator weights"}
            datasets.append(ds)
    return {"schema": SCHEMA, "group": "agc",
            "title": "Analysis Grand Challenge CMS 2015 NanoAOD inputs (ttbar, single top, W+jets), tree `Events`",
            "records": [], "datasets": datasets}


# ---------------------------------------------------------------- HEPData likelihoods

def adler32_file(path):
    value = 1
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            value = zlib.adler32(chunk, value)
    return "%08x" % value


def hepdata(pyhf_repo, commit, shared):
    bib_path = "docs/bib/HEPData_likelihoods.bib"
    bib = show(pyhf_repo, commit, bib_path).decode()
    bib_src = source("scikit-hep/pyhf", bib_path, commit)
    entries = {}
    for m in re.finditer(r"@misc\{(ins\d+),\s*title\s*=\s*\"\{(.+?)\}\",\s*doi\s*=\s*\"([^\"]+)\"", bib, re.S):
        entries[m[1]] = (" ".join(m[2].split()), m[3])
    wanted = ["ins1748602", "ins1755298", "ins1771533", "ins1767649"]
    datasets = []
    for ins in wanted:
        title, doi = entries[ins]
        ds = {"name": f"hepdata/{ins}", "kind": "likelihood", "title": title, "doi": doi,
              "files": [], "source": bib_src}
        datasets.append(ds)
    # ins1748602: pyhf's notebooks download the archive by its resource DOI; the size and
    # adler32 are measured on the copy in ../shared whose .doi file names the same resource.
    nb = "docs/examples/notebooks/ImpactPlot.ipynb"
    if "https://doi.org/10.17182/hepdata.89408.v3/r2" not in show(pyhf_repo, commit, nb).decode():
        sys.exit(f"{nb} no longer names the ins1748602 resource DOI")
    local = os.path.join(shared, "data/likelihoods/pyhf-ins1748602-probability-models.tar.gz")
    doi_file = os.path.join(shared, "data/likelihoods/pyhf-ins1748602-probability-models.doi")
    url = "https://doi.org/10.17182/hepdata.89408.v3/r2"
    assert open(doi_file).read().strip() == url
    datasets[0]["files"] = [{"url": url, "name": "pyhf-ins1748602-probability-models.tar.gz",
                             "size": os.path.getsize(local), "adler32": adler32_file(local)}]
    datasets[0]["files_source"] = {"url_from": source("scikit-hep/pyhf", nb, commit),
                                   "checksum_from": "measured on ../shared/data/likelihoods/pyhf-ins1748602-probability-models.tar.gz"}
    # ins1755298 (1Lbb): the resource URL used by the pyhf-benchmark project; no checksum published with it.
    datasets[1]["files"] = [{"url": "https://www.hepdata.net/record/resource/1267798?view=true",
                             "name": "1Lbb-likelihoods.tar.gz"}]
    datasets[1]["files_source"] = {"url_from": "https://github.com/pyhf/pyhf-benchmark (README, load tests)"}
    return {"schema": SCHEMA, "group": "hepdata",
            "title": "HistFactory JSON likelihoods published on HEPData (pyhf format)",
            "records": [], "datasets": datasets}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--opendata", required=True)
    p.add_argument("--opendata-commit")
    p.add_argument("--notebooks", required=True)
    p.add_argument("--notebooks-commit")
    p.add_argument("--agc", required=True)
    p.add_argument("--agc-commit")
    p.add_argument("--pyhf", required=True)
    p.add_argument("--pyhf-commit")
    p.add_argument("--shared", default="../shared")
    p.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "catalog"))
    a = p.parse_args()
    od = head(a.opendata, a.opendata_commit)
    nb = head(a.notebooks, a.notebooks_commit)
    groups = {
        "atlas-2020": atlas_2020(a.opendata, od, a.notebooks, nb),
        "atlas-2025e": atlas_2025(a.opendata, od),
        "atlas-2024": atlas_2024(a.opendata, od),
        "agc": agc(a.agc, head(a.agc, a.agc_commit)),
        "hepdata": hepdata(a.pyhf, head(a.pyhf, a.pyhf_commit), a.shared),
    }
    names = set()
    for group, cat in groups.items():
        for ds in cat["datasets"]:
            if ds["name"] in names:
                sys.exit(f"duplicate dataset name {ds['name']}")
            names.add(ds["name"])
        path = os.path.join(a.out, f"{group}.json")
        with open(path + ".tmp", "w") as f:
            json.dump(cat, f, indent=0, separators=(",", ":"), ensure_ascii=False)
            f.write("\n")
        os.replace(path + ".tmp", path)
        print(f"{path}: {len(cat['records'])} records, {len(cat['datasets'])} datasets, "
              f"{sum(len(d['files']) for d in cat['datasets'])} files")


if __name__ == "__main__":
    main()
