package dev.ambit.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/** Gives every command that takes a {@link Cluster} in its constructor the one of this run. */
final class CommandFactory implements IFactory {

    private final Cluster cluster;

    CommandFactory(Cluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        try {
            Constructor<K> constructor = type.getDeclaredConstructor(Cluster.class);
            return constructor.newInstance(cluster);
        } catch (NoSuchMethodException e) {
            return CommandLine.defaultFactory().create(type);
        }
    }
}
