import Foundation

/// Number formats shared by every report.
public enum NumberFormat {
    /// `4253864` -> `4,253,864`, as Keras prints param counts.
    public static func grouped(_ value: Int64) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return value < 0 ? "-" + out : out
    }

    /// Keras's `readable_memory_size`: binary steps (1024) with Keras's labels `KB`, `MB`, ...
    public static func memory(bytes: Int64) -> String {
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        var size = Double(bytes)
        for unit in units {
            if size / 1024 < 1 { return fixed2(size) + " " + unit }
            size /= 1024
        }
        return fixed2(size) + " " + units[units.count - 1]
    }

    /// MACs in decimal steps, as the paper counts millions: `568740352` -> `568.74 M`.
    public static func decimal(_ value: Int64) -> String {
        let units: [(Double, String)] = [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "K")]
        let v = Double(value)
        for (scale, unit) in units where v >= scale { return fixed2(v / scale) + " " + unit }
        return String(value)
    }

    /// Two decimals, rounded from the exact binary value like Python's `"{:.2f}"` (both use C's printf rules).
    public static func fixed2(_ value: Double) -> String { String(format: "%.2f", value) }
}
