import DescentLinearAlgebra
import Testing

@Suite("How the kernels were built, and the one line a debug build writes")
struct DescentBuildTests {
    @Test("the C kernels are optimised exactly when this Swift build is (swift test -c release, or not)")
    func optimisedAsThisBuild() {
        #expect(DescentBuild.isOptimized == !_isDebugAssertConfiguration())
    }

    @Test("the warning names release mode, comes at most once a process, and never from an optimised build")
    func warningOnce() {
        #expect(DescentBuild.unoptimizedWarning.contains("swift run -c release"))
        let first = DescentBuild.takeUnoptimizedWarning()  // nil if a training test already took it
        #expect(DescentBuild.takeUnoptimizedWarning() == nil)
        if DescentBuild.isOptimized { #expect(first == nil) }
    }
}
