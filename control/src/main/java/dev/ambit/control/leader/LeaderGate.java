package dev.ambit.control.leader;

import java.util.function.BooleanSupplier;

/** Whether this replica currently leads; work only the leader does (deploying waypoints, writing status) asks it. */
public interface LeaderGate extends BooleanSupplier {

    /** For a single replica, local mode, or leader election turned off. */
    LeaderGate ALWAYS = () -> true;
}
