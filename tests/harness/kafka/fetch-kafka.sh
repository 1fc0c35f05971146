#!/usr/bin/env bash
# Fetches Apache Kafka's release jars for the integration tests' KRaft broker from Maven Central with Maven, or
# reuses the ones already in the cache: org.apache.kafka:kafka_2.13 (the broker and kafka-storage) and
# org.apache.kafka:kafka-tools (kafka-consumer-groups) with their runtime dependencies, and the log4j2 binding for
# SLF4J 1.7 that Kafka's own distribution ships, so that the broker's log goes where the harness says. Progress
# goes to stderr; the last line on stdout is the folder of jars. Safe to run again and from several processes.
#
# Kafka 3.x logs through log4j 1.x (reload4j, with the slf4j-reload4j binding kafka_2.13 brings itself): it gets no
# log4j2 binding, since two SLF4J bindings would leave the choice to the class path's order.
#
# Environment: MESHSCOPE_KAFKA_VERSION overrides the pinned version (Kafka 4 needs Java 17; 3.9.1 is the newest
# that librdkafka < 2.6.1 can authenticate to with SCRAM); MAVEN_OPTS and ~/.m2 are the caller's.
set -euo pipefail
source "$(dirname "$0")/../../cachelock.sh"

kafka_version=${MESHSCOPE_KAFKA_VERSION:-4.1.2}
# The log4j2 version that kafka_2.13 itself depends on: the binding must match log4j-core.
log4j_version=${MESHSCOPE_KAFKA_LOG4J_VERSION:-2.25.3}
cache=${XDG_CACHE_HOME:-$HOME/.cache}/meshscope/kafka/$kafka_version
out=$cache/libs
if [ "${kafka_version%%.*}" -ge 4 ]; then
    logging_dependency="<dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>$log4j_version</version></dependency>"
    logging_jar=log4j-core-$log4j_version.jar
else
    logging_dependency=
    logging_jar=slf4j-reload4j-*.jar
fi
log() { echo "fetch-kafka: $*" >&2; }

ready() { [ -f "$out/.complete" ]; }
if ready; then
    log "reusing $(find "$out" -name '*.jar' | wc -l) jars in $out"
    echo "$out"
    exit 0
fi
command -v mvn >/dev/null || { log "no mvn on PATH (Debian package maven): cannot fetch Kafka"; exit 1; }
command -v java >/dev/null || { log "no java on PATH (Debian package openjdk-17-jre-headless)"; exit 1; }
lock_and_stage "$cache" ready
cat >"$staging/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.meshscope</groupId>
  <artifactId>kafka-libs</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$kafka_version</version>
    </dependency>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka-tools</artifactId>
      <version>$kafka_version</version>
    </dependency>
    $logging_dependency
  </dependencies>
</project>
EOF
log "mvn dependency:copy-dependencies for kafka_2.13 and kafka-tools $kafka_version"
if ! mvn -B -q -f "$staging/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
    -DoutputDirectory="$staging/libs" >"$staging/mvn.log" 2>&1; then
    cat "$staging/mvn.log" >&2
    log "Maven failed"
    exit 1
fi
for jar in "kafka_2.13-$kafka_version.jar" "kafka-tools-$kafka_version.jar" "$logging_jar"; do
    compgen -G "$staging/libs/$jar" >/dev/null || { log "Maven brought no $jar"; exit 1; }
done
touch "$staging/libs/.complete"
rm -rf "$out"
mv "$staging/libs" "$out"
log "$(find "$out" -name '*.jar' | wc -l) jars in $out, took $((SECONDS - start)) s"
echo "$out"
