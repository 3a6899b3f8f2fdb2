# Sourced by the CI scripts (the cluster test, the example): their JVMs live a minute or two on small inputs, and
# with C2 most of their CPU went to compiling, on CI's two cores they share. C1 alone (a JIT choice, not a
# behaviour one). VIGIL_TEST_JIT overrides it (empty: the JVM's default). Sets TEST_JIT and adds it to JAVA_OPTS,
# which deploy/vigil passes to its JVM.
TEST_JIT="${VIGIL_TEST_JIT--XX:TieredStopAtLevel=1}"
export JAVA_OPTS="${JAVA_OPTS:-} $TEST_JIT"
