package org.targetwatch.rules;

import java.util.ArrayList;
import java.util.List;
import org.drools.base.rule.LineMappings;
import org.drools.compiler.builder.impl.KnowledgeBuilderImpl;
import org.drools.compiler.compiler.PackageRegistry;
import org.drools.compiler.compiler.RuleBuildError;
import org.kie.api.io.ResourceType;
import org.kie.internal.builder.KnowledgeBuilder;
import org.kie.internal.builder.KnowledgeBuilderError;
import org.kie.internal.builder.KnowledgeBuilderFactory;
import org.kie.internal.io.ResourceFactory;
import org.kie.internal.jci.CompilationProblem;

/**
 * The DRL lines of Java errors in rule consequences. Drools reports such an error at the line of the rule, with
 * the Java compiler's problems (lines of the generated class) kept inside; this compiles the one file again
 * with a {@link KnowledgeBuilder}, takes those problems and maps each back to its DRL line through the rule's
 * line mapping: the consequence's first DRL line ({@code then} + 1) is line {@value #FIRST_CONSEQUENCE_JAVA_LINE}
 * of the generated class (Drools 10.2; {@code RulesDirectoryTest} breaks every consequence line of rules/ and
 * checks the line reported, so a Drools upgrade that moves it fails there).
 */
final class ConsequenceLines {
    static final int FIRST_CONSEQUENCE_JAVA_LINE = 9;

    private ConsequenceLines() {}

    /** One problem per Java error of the file's consequences, at its DRL line; empty if none can be placed. */
    static List<RuleBuildException.Problem> problems(String file, byte[] text) {
        List<RuleBuildException.Problem> out = new ArrayList<>();
        try {
            KnowledgeBuilder kb = KnowledgeBuilderFactory.newKnowledgeBuilder();
            kb.add(ResourceFactory.newByteArrayResource(text).setSourcePath(file), ResourceType.DRL);
            for (KnowledgeBuilderError e : kb.getErrors()) {
                if (!(e instanceof RuleBuildError rule) || !(rule.getObject() instanceof CompilationProblem[] cps)) {
                    continue;
                }
                for (CompilationProblem cp : cps) {
                    if (!cp.isError()) {
                        continue;
                    }
                    LineMappings m = mapping((KnowledgeBuilderImpl) kb, cp.getFileName());
                    int line = m == null
                            ? rule.getLine()
                            : m.getStartLine() + 1 + cp.getStartLine() - FIRST_CONSEQUENCE_JAVA_LINE;
                    out.add(new RuleBuildException.Problem(
                            file, line, "rule \"" + rule.getRule().getName() + "\", consequence: " + cp.getMessage()));
                }
            }
        } catch (RuntimeException e) {
            return List.of(); // the placement is a refinement: the caller keeps Drools' own report
        }
        return out;
    }

    /** The line mapping of a generated class ({@code org/x/Rule_y.java}), if its package was registered. */
    private static LineMappings mapping(KnowledgeBuilderImpl kb, String javaFile) {
        if (javaFile == null || !javaFile.endsWith(".java")) {
            return null;
        }
        String cls = javaFile.substring(0, javaFile.length() - 5).replace('/', '.');
        int dot = cls.lastIndexOf('.');
        PackageRegistry reg = dot < 0 ? null : kb.getPackageRegistry(cls.substring(0, dot));
        return reg == null
                ? null
                : reg.getPackage().getDialectRuntimeRegistry().getLineMappings().get(cls);
    }
}
