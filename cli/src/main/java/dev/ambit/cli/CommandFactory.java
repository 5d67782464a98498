package dev.ambit.cli;

import java.lang.reflect.Constructor;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/** Gives every command that takes a {@link KubernetesCluster} in its constructor the one of this run. */
final class CommandFactory implements IFactory {

    private final KubernetesCluster cluster;

    CommandFactory(KubernetesCluster cluster) {
        this.cluster = cluster;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        try {
            Constructor<K> constructor = type.getDeclaredConstructor(KubernetesCluster.class);
            return constructor.newInstance(cluster);
        } catch (NoSuchMethodException e) {
            return CommandLine.defaultFactory().create(type);
        }
    }
}
