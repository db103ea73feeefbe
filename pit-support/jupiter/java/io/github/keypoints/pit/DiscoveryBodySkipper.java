package io.github.keypoints.pit;

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
 */
public final class DiscoveryBodySkipper implements InvocationInterceptor {

    /** Creates the interceptor; JUnit makes one through the service loader. */
    public DiscoveryBodySkipper() {}

    private static <T> T proceedUnlessListing(Invocation<T> invocation) throws Throwable {
        if (MutationMinionDiscovery.isListing()) {
            invocation.skip();
            return null;
        }
        return invocation.proceed();
    }

    @Override
    public void interceptTestMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation);
    }

    @Override
    public void interceptTestTemplateMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation);
    }

    @Override
    public void interceptDynamicTest(
            Invocation<Void> invocation,
            DynamicTestInvocationContext invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation);
    }

    @Override
    public void interceptBeforeAllMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation);
    }

    @Override
    public void interceptBeforeEachMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation);
    }

    @Override
    public void interceptAfterEachMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation);
    }

    @Override
    public void interceptAfterAllMethod(
            Invocation<Void> invocation,
            ReflectiveInvocationContext<Method> invocationContext,
            ExtensionContext extensionContext)
            throws Throwable {
        proceedUnlessListing(invocation);
    }
}
