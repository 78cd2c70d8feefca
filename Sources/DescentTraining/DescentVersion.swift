/// The version of the Descent package, in one place: `descent --version` prints it, and
/// CHANGELOG.md records what each version changed.
public enum DescentVersion {
    /// The semantic version (https://semver.org) of this release, e.g. `0.2.0`.
    public static let string = "0.3.0"
}
