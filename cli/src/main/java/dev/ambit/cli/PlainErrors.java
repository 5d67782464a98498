package dev.ambit.cli;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/** Every failure as one line in plain words: what went wrong and what to do, never a stack trace. */
public final class PlainErrors implements IExecutionExceptionHandler {

    private final KubernetesCluster cluster;

    PlainErrors(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public int handleExecutionException(Exception exception, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        err.println(commandLine.getCommandSpec().qualifiedName() + ": " + describe(exception));
        err.flush();
        return 1;
    }

    String describe(Throwable exception) {
        if (exception instanceof UserException) {
            return exception.getMessage();
        }
        if (exception instanceof KubernetesClientException kube) {
            return describe(kube);
        }
        Throwable unreachable = unreachableCause(exception);
        if (unreachable != null) {
            return unreachable(unreachable);
        }
        return exception.getMessage() == null ? exception.getClass().getSimpleName() : exception.getMessage();
    }

    private String describe(KubernetesClientException e) {
        String detail = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage();
        if (e.getCode() <= 0) {
            // No HTTP answer at all.
            Throwable unreachable = unreachableCause(e);
            return unreachable != null ? unreachable(unreachable) : detail;
        }
        return switch (e.getCode()) {
            case 401 -> "the Kubernetes API server did not accept your credentials (HTTP 401); log in again or check"
                    + " the user of your kubeconfig";
            case 403 -> "no permission: " + detail;
            default -> "the Kubernetes API server answered HTTP " + e.getCode() + ": " + detail;
        };
    }

    private String unreachable(Throwable cause) {
        String where;
        try {
            where = " at " + cluster.client().getMasterUrl();
        } catch (RuntimeException e) {
            where = "";
        }
        return "cannot reach the Kubernetes API server" + where + " (" + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()) + "); is the cluster running, and"
                + " does your kubeconfig point at it?";
    }

    private static Throwable unreachableCause(Throwable exception) {
        for (Throwable cause = exception; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException
                    || cause instanceof HttpTimeoutException
                    || (cause instanceof IOException && cause.getMessage() != null
                            && cause.getMessage().contains("Connection refused"))) {
                return cause;
            }
        }
        return null;
    }
}
