#!/usr/bin/env python3
"""Where a flight recording's CPU samples went: by thread, by the first non-JDK frame's library, the
top leaf frames, and the top frames of Keyhook's own code (inclusive).

    SERVER_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/keyhook.jfr,settings=profile bench/delivery.sh
    bench/jfr-top.py /tmp/keyhook.jfr [TOP]

Needs the JDK's `jfr` tool on the PATH.
"""
import collections
import re
import subprocess
import sys

LIBRARIES = [
    ('PostgreSQL JDBC', 'org.postgresql'), ('Hikari', 'com.zaxxer'), ('Mongo server', 'de.bwaldvogel'),
    ('H2 MVStore', 'org.h2'), ('Mongo driver', 'com.mongodb'), ('Spring Data', 'org.springframework.data'),
    ('Spring Security', 'org.springframework.security'), ('Spring WebFlux', 'org.springframework.web'),
    ('Spring', 'org.springframework'), ('Axon', 'org.axonframework'), ('db-scheduler', 'com.github.kagkarlsson'),
    ('Jackson', 'com.fasterxml'), ('Reactor Netty', 'reactor.netty'), ('Reactor', 'reactor.'),
    ('Netty', 'io.netty'), ('BouncyCastle', 'org.bouncycastle'), ('Micrometer', 'io.micrometer'),
    ('Keyhook', 'io.keyhook'), ('Logback', 'ch.qos'), ('Caffeine', 'com.github.benmanes'),
]


def library(frame):
    for name, prefix in LIBRARIES:
        if frame.startswith(prefix):
            return name
    return None


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    printed = subprocess.run(['jfr', 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '64', sys.argv[1]],
                             capture_output=True, text=True, check=True).stdout
    threads, libraries, leaves, own = (collections.Counter() for _ in range(4))
    samples = 0
    for sample in printed.split('jdk.ExecutionSample')[1:]:
        frames = re.findall(r'^\s+([\w$.<>]+)\(', sample, re.M)
        if not frames:
            continue
        samples += 1
        thread = re.search(r'sampledThread = "([^"]*)"', sample)
        threads[re.sub(r'\d+', 'N', thread.group(1)) if thread else '?'] += 1
        leaves[frames[0]] += 1
        libraries[next((lib for lib in map(library, frames) if lib), 'JDK')] += 1
        for frame in set(frames):
            if frame.startswith('io.keyhook'):
                own[frame] += 1
    if samples == 0:
        sys.exit('no execution samples in ' + sys.argv[1])
    for title, counts in (('threads', threads), ('library of the first non-JDK frame', libraries),
                          ('leaf frames', leaves), ('Keyhook frames, inclusive', own)):
        print(f'--- {title} ({samples} samples)')
        for name, count in counts.most_common(top):
            print(f'{100 * count / samples:5.1f}%  {name}')


if __name__ == '__main__':
    main()
