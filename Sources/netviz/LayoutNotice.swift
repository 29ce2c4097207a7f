import Foundation
import NetViz

/// One line on standard error before a layout that will take a while, so a long wait is not mistaken for a hang.
enum LayoutNotice {
    static func print(nodes: Int, hint: String) {
        guard nodes >= Plot.slowLayoutNodes else { return }
        FileHandle.standardError.write(Data("netviz: laying out \(nodes) nodes with Graphviz takes seconds; \(hint)\n".utf8))
    }
}
