package dev.ambit.runtime.bridge;

/** What a bridge reports: bytes as they pass, and the end. Called on event loops; must be cheap and not block. */
public interface TrafficObserver {

    TrafficObserver NONE = new TrafficObserver() {
        @Override
        public void sent(int bytes) {
        }

        @Override
        public void received(int bytes) {
        }

        @Override
        public void finished(boolean aborted) {
        }
    };

    /** Bytes from the client side to the server side. */
    void sent(int bytes);

    /** Bytes from the server side back to the client side. */
    void received(int bytes);

    /** Both sides are closed; {@code aborted} when either ended with a reset or an error rather than a FIN. */
    void finished(boolean aborted);
}
