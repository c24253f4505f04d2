namespace WalletGrains.Runtime;

/// <summary>
/// Sends continuations of grain code back to their activation, so awaits inside a grain resume one at a time
/// on the activation (as Orleans' activation task scheduler does), even when turns interleave.
/// </summary>
internal sealed class ActivationSynchronizationContext(Activation activation) : SynchronizationContext
{
    public override void Post(SendOrPostCallback d, object? state) => activation.PostContinuation(d, state);

    public override void Send(SendOrPostCallback d, object? state) =>
        throw new NotSupportedException($"Synchronous Send to activation {activation.GrainId} would block its turn; await instead.");

    public override SynchronizationContext CreateCopy() => this;
}
