# Sourced by scripts and benchmarks that run a Java program against the project's libraries: builds
# server/target/keyhook.jar if it is missing, unpacks the libraries it carries into a temporary
# directory (removed on exit through the caller's CLEANUP list) and sets JAR_CLASSPATH to them.
# Needs only the README's two commands: no module has to be installed into the local repository.
[ -f server/target/keyhook.jar ] || ./mvnw -B -q package -DskipTests
JAR_LIBS=$(mktemp -d)
CLEANUP+=("rm -rf '$JAR_LIBS'")
(cd "$JAR_LIBS" && jar xf "$OLDPWD/server/target/keyhook.jar" BOOT-INF/lib)
JAR_CLASSPATH="$JAR_LIBS/BOOT-INF/lib/*"
