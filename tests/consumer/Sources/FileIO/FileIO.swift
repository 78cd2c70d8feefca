/// The consumer's own module called FileIO.
public enum OwnFileIO { public static let name = "the consumer's FileIO" }
