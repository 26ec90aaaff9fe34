#!/usr/bin/env python3
"""Groups an async-profiler collapsed profile of a scan by stage (corpus/bench/README.md, Profiling).

  python3 corpus/bench/stages.py scan.col [THREAD_PREFIX]     (default: [tokensweep-scan)

Each stack counts for the deepest frame (from the leaf up) that names a stage; a stack through
SecretDigest counts as the memos' digests, one through Fingerprinter as the fingerprint.
"""
import sys, re, collections
# deepest frame (walking from the leaf up) that names a stage
S = [
 ('re2j', r'com/google/re2j/'),
 ('window DFAs', r'WindowFilter'),
 ('fixed shapes', r'FixedShape'),
 ('placeholders', r'Placeholders'),
 ('entropy', r'Entropy\.'),
 ('jwt', r'/Jwt[.$]'),
 ('validators', r'Validators\.'),
 ('fingerprint', r'Fingerprinter'),
 ('memo', r'DigestMemo|EvidenceCache'),
 ('redaction', r'Redaction'),
 ('evidence other', r'Evidence\.of'),
 ('reachable', r'Scratch\.reachable'),
 ('window cache', r'WindowCache'),
 ('keyword walk', r'Prefilter\.walk'),
 ('detector other', r'Prefilter\.|KeywordDetector|detectors/Detector'),
 ('report', r'report/|ReportSink|jackson/databind|FindingTally'),
 ('findings (scanner)', r'pipeline/(LeafSink|FindingSettler|ScanContext|Collector|FindingOrder)|InlineAllow|ChunkLocator|Location'),
 ('decoding pass', r'scanner/decode/|ByteScan'),
 ('JSON reading', r'read/(Json|LineFeeder|KeywordStems|RequiredLiterals)'),
 ('reading', r'TextReader|FileChannel|read0|FileDispatcher'),
]
tot=collections.Counter(); n_all=0
for line in open(sys.argv[1]):
    if not line.startswith(sys.argv[2] if len(sys.argv)>2 else '[tokensweep-scan'): continue
    stack, n = line.rstrip().rsplit(' ',1); n=int(n)
    frames = stack.split(';')
    st='other'
    if 'SecretDigest' in stack:
        tot['memo digests (SHA-256)']+=n; n_all+=n; continue
    if 'Fingerprinter' in stack:
        tot['fingerprint']+=n; n_all+=n; continue
    for f in reversed(frames):
        for name, pat in S:
            if re.search(pat, f): st=name; break
        else: continue
        break
    tot[st]+=n; n_all+=n
for k,v in tot.most_common(): print(f"{v:6d} ms  {k}")
print(f"{n_all:6d} ms  scan thread total")
