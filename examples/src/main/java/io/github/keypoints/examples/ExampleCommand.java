package io.github.keypoints.examples;

import io.github.keypoints.examples.tutorial.AutoMorphExample;
import io.github.keypoints.examples.tutorial.FullFaceExample;
import io.github.keypoints.examples.tutorial.Ibug300wExample;
import io.github.keypoints.examples.tutorial.NoseTipExample;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code keypoints example NAME [ARGS…]}: runs one of the tutorial programs of {@link
 * io.github.keypoints.examples.tutorial} with the launcher's environment (engine threads, oneDNN
 * ISA cap, offline DJL), so a fresh clone needs no extra set-up to run them.
 */
@Command(
        name = "example",
        mixinStandardHelpOptions = true,
        description = {
            "Run a tutorial program: nose-tip (Part 1), full-face (Part 2), ibug300w (Part 3) or"
                    + " auto-morph (Part 4). Arguments after NAME go to the program; each"
                    + " program's javadoc lists them."
        },
        footer = {
            "",
            "Example:",
            "  ./keypoints example nose-tip --data ../shared/data/imm_face_db --epochs 8"
        })
public final class ExampleCommand implements Callable<Integer> {

    /** The tutorial programs by name. */
    interface Program {
        void run(String[] args) throws Exception;
    }

    static final Map<String, Program> PROGRAMS = new LinkedHashMap<>();

    static {
        PROGRAMS.put("nose-tip", NoseTipExample::main);
        PROGRAMS.put("full-face", FullFaceExample::main);
        PROGRAMS.put("ibug300w", Ibug300wExample::main);
        PROGRAMS.put("auto-morph", AutoMorphExample::main);
    }

    @Spec private CommandSpec spec;

    @Parameters(
            index = "0",
            paramLabel = "NAME",
            description = "nose-tip, full-face, ibug300w or auto-morph.")
    private String name;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments of the program.")
    private List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Program p = PROGRAMS.get(name);
        if (p == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "NAME: expected one of " + PROGRAMS.keySet() + ", found '" + name + "'");
        }
        p.run(args.toArray(String[]::new));
        return 0;
    }
}
