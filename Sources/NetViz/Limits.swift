/// The bounds netviz puts on what untrusted input and options can make it do, each in one place and each listed in
/// Docs/cli.md ("Limits and untrusted input"). The importer's own bounds (config bytes, layers, nesting) are
/// `ImportOptions`'s defaults.
public enum Limits {
    /// The widest text table (`--line-length`): every row is padded to it, so output grows with it times the rows.
    public static let lineLength = 10_000
    /// Characters of one table cell shown (a 1 MB layer name would otherwise wrap into 25,000 lines).
    public static let cellCharacters = 1_000
    /// Characters of one error or warning line shown on the terminal.
    public static let messageCharacters = 4_000
    /// Names listed in one error or warning before "and N more".
    public static let namesListed = 10
    /// `verify`: params, and batch x elements of the largest layer output (4 GiB of Float32 each).
    public static let verifyElements: Int64 = 1 << 30
    /// A weights file read into memory (a `.keras` archive's `model.weights.h5`): `verifyElements` of Float32 and
    /// room for HDF5's own structures.
    public static let weightsFileBytes = Int(verifyElements) * 4 + (64 << 20)
    /// `plot`: nodes drawn (after `--collapse-repeats`); dot's layout time grows faster than linearly
    /// (a 10,000-layer chain takes about 30 s), so larger graphs are refused at once.
    public static let plotNodes = 10_000

    /// `text` cut to `limit` characters, saying how much was left out.
    public static func shown(_ text: String, limit: Int) -> String {
        guard text.utf8.count > limit else { return text }  // the byte count bounds the character count
        var end = text.startIndex
        var count = 0
        while end < text.endIndex, count < limit {
            text.formIndex(after: &end)
            count += 1
        }
        guard end < text.endIndex else { return text }
        let rest = text[end...].count
        return String(text[..<end]) + "... (\(NumberFormat.grouped(Int64(rest))) more characters)"
    }

    /// The first `namesListed` items, then "and N more" (an error about 99,990 layers stays one short line).
    public static func list(_ items: [String], separator: String = ", ") -> String {
        let shown = items.prefix(namesListed).joined(separator: separator)
        guard items.count > namesListed else { return shown }
        return shown + "\(separator)and \(NumberFormat.grouped(Int64(items.count - namesListed))) more"
    }
}
