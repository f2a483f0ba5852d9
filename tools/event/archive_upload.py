"""Copies folders into the event archive bucket: what the export Job of
`npm run event -- down` runs in the cluster, with the home and shared volumes mounted
read-only and the archive role's credentials (IRSA); the tests run the same file against
moto's server mode.

    python archive_upload.py --bucket B --prefix EVENT/DATE --source home=/export/home \
        [--source shared=/export/shared ...]

Each file of each source goes to `<prefix>/<name>/<path>`, encrypted by the bucket's
default KMS key; symbolic links and special files are listed as skipped, never followed.
After every file, `<prefix>/manifest.json` lists each key with its size and SHA-256: it
is written last, so its presence says the export completed. The last line printed is a
JSON summary. Exit 0 when every file is in the bucket encrypted with KMS, 1 otherwise,
2 on bad arguments.
"""

import argparse
import hashlib
import json
import os
import stat
import sys

import boto3
from boto3.s3.transfer import TransferConfig

# Files above this go in parts (boto3's managed transfer); below, one PutObject whose
# answer says how S3 encrypted the object.
SINGLE_PUT_MAX_BYTES = 64 * 1024 * 1024


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", required=True)
    parser.add_argument("--prefix", required=True, help="EVENT/DATE, the folder of this export")
    parser.add_argument(
        "--source",
        action="append",
        required=True,
        metavar="NAME=DIR",
        help="a folder to copy under <prefix>/<NAME>/",
    )
    args = parser.parse_args(argv)
    prefix = args.prefix.strip("/")
    if not prefix or ".." in prefix.split("/"):
        parser.error(f"--prefix: {args.prefix!r} must be a folder such as icesat2/2026-08-14")
    sources = []
    for source in args.source:
        name, sep, folder = source.partition("=")
        if not sep or not name or "/" in name or not folder:
            parser.error(f"--source: {source!r} is not NAME=DIR, e.g. home=/export/home")
        if not os.path.isdir(folder):
            parser.error(f"--source: {folder!r} is not a directory")
        if name in (n for n, _ in sources):
            parser.error(f"--source: {name!r} is given twice")
        sources.append((name, folder))
    return args.bucket, prefix, sources


def walk(folder):
    """(relative path, absolute path, kind) for every entry, sorted, links not followed."""
    for root, dirs, files in os.walk(folder, followlinks=False):
        dirs.sort()
        for entry in sorted(files) + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            path = os.path.join(root, entry)
            mode = os.lstat(path).st_mode
            kind = "file" if stat.S_ISREG(mode) else "link" if stat.S_ISLNK(mode) else "special"
            yield os.path.relpath(path, folder).replace(os.sep, "/"), path, kind


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def upload(s3, bucket, key, path, size):
    """Uploads one file; returns the encryption S3 applied (None when it does not say)."""
    if size > SINGLE_PUT_MAX_BYTES:
        s3.upload_file(path, bucket, key, Config=TransferConfig(multipart_threshold=SINGLE_PUT_MAX_BYTES))
        return "aws:kms"  # the bucket's default; multipart answers do not repeat it per part
    with open(path, "rb") as body:
        answer = s3.put_object(Bucket=bucket, Key=key, Body=body, ContentLength=size)
    return answer.get("ServerSideEncryption")


def main(argv):
    bucket, prefix, sources = parse_args(argv)
    s3 = boto3.client("s3")
    objects, skipped, failed = [], [], []
    for name, folder in sources:
        for relative, path, kind in walk(folder):
            if kind != "file":
                skipped.append({"path": f"{name}/{relative}", "kind": kind})
                continue
            key = f"{prefix}/{name}/{relative}"
            size = os.path.getsize(path)
            try:
                encryption = upload(s3, bucket, key, path, size)
            except Exception as error:  # noqa: BLE001 - every failure is reported, the rest go on
                failed.append({"key": key, "error": str(error)})
                print(f"failed {key}: {error}", file=sys.stderr)
                continue
            if encryption != "aws:kms":
                failed.append({"key": key, "error": f"stored with encryption {encryption!r}, not aws:kms"})
                continue
            objects.append({"key": key, "bytes": size, "sha256": sha256_of(path)})
            print(f"uploaded {key} ({size} bytes)", flush=True)
    summary = {
        "bucket": bucket,
        "prefix": prefix,
        "objects": len(objects),
        "bytes": sum(o["bytes"] for o in objects),
        "skipped": skipped,
        "failed": failed,
    }
    if not failed:
        manifest = json.dumps({**summary, "files": objects}, indent=2).encode()
        s3.put_object(Bucket=bucket, Key=f"{prefix}/manifest.json", Body=manifest, ContentType="application/json")
        summary["manifest"] = f"{prefix}/manifest.json"
    print(json.dumps(summary), flush=True)
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
