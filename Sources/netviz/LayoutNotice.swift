import Foundation
import NetViz

#if canImport(Glibc)
    import Glibc
#endif

/// One line on standard error before a layout that will take a while, so a long wait is not mistaken for a hang.
/// Only for a person at a terminal (as verify's progress bar): a script reading stderr still gets one line per error.
enum LayoutNotice {
    static func print(nodes: Int, hint: String) {
        guard nodes >= Plot.slowLayoutNodes, isatty(STDERR_FILENO) == 1 else { return }
        FileHandle.standardError.write(Data("netviz: laying out \(nodes) nodes with Graphviz takes seconds; \(hint)\n".utf8))
    }
}
