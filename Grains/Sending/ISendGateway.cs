namespace WalletGrains.Grains.Sending;

/// <summary>
/// Where the API hands a send: groups concurrent sends of one account into one
/// <see cref="IAccountGrain.SubmitAsync"/> call (group commit), so a burst costs few durable writes
/// while the grain stays non-reentrant.
/// </summary>
public interface ISendGateway
{
    Task<SendOutcome> SendAsync(SendCommand command, CancellationToken cancellationToken = default);
}
