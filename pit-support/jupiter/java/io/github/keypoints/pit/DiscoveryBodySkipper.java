package io.github.keypoints.pit;

import java.io.FileWriter;
import java.io.IOException;
import java.io.Writer;
import java.lang.reflect.Method;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Skips JUnit Jupiter test bodies and lifecycle methods while PIT's mutation minion only lists its
 * tests ({@link MutationMinionDiscovery}); everywhere else it lets every invocation proceed.
 *
 * <p>A skipped test has still started, so PIT still lists it. Test factories do run: their dynamic
 * tests exist only once the factory has returned them (each dynamic test's body is skipped).
 * Registered only by the {@code pit} profile, through JUnit's extension auto-detection.
 *
 * <p>With {@code -Dkeypoints.pit.times=FILE} in the minions' JVM arguments it also appends one line
 * per invocation that runs ({@code pid, start ms since the epoch, µs taken, kind, JUnit's unique
 * id}), to see where a mutation run's time goes (docs/testing.md).
 */
public final class DiscoveryBodySkipper implements InvocationInterceptor {

    private static final Writer TIMES = openTimes(System.getProperty("keypoints.pit.times"));
    private static final long PID = ProcessHandle.current().pid();

    /** Creates the interceptor; JUnit makes one through the service loader. */
    public DiscoveryBodySkipper() {}

    private static Writer openTimes(String file) {
        if (file == null || file.isEmpty()) {
            return null;
        }
        try {
            return new FileWriter(file, true);
        } catch (IOException e) {
            System.err.println("keypoints-pit: cannot append test times to " + file + ": " + e);
            return null;
        }
    }

    private static <T> T proceedUnlessListing(
            Invocation<T> invocation, String kind, ExtensionContext context) throws Throwable {
        if (MutationMinionDiscovery.isListing()) {
            invocation.skip();
            return null;
        }
        if (TIMES == null || kind == null) {
            return invocation.proceed();
        }
        long wall = System.currentTimeMillis();
        long start = System.nanoTime();
        try {
            return invocation.proceed();
        } finally {
            long micros = (System.nanoTime() - start) / 1_000;
            String line =
                    PID + "\t" + wall + "\t" + micros + "\t" + kind + "\t" + context.getUniqueId()
                            + "\n";
            synchronized (TIMES) {
                TIMES.write(line);
                TIMES.flush();
            }
        }
    }

    @Override
    public void interceptTestMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation, "test", extensionContext);
    }

    @Override
    public void interceptTestTemplateMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation, "template", extensionContext);
    }

    @Override
    public void interceptDynamicTest(
            Invocation<Void> invocation,
            DynamicTestInvocationContext invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation, "dynamic", extensionContext);
    }

    @Override
    public void interceptBeforeAllMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation, "beforeAll", extensionContext);
    }

    @Override
    public void interceptBeforeEachMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation, "beforeEach", extensionContext);
    }

    @Override
    public void interceptAfterEachMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation, "afterEach", extensionContext);
    }

    @Override
    public void interceptAfterAllMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation, "afterAll", extensionContext);
    }
}
