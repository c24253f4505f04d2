namespace WalletGrains.Runtime;

/// <summary>The turn the current code runs in, carried across awaits so a call knows its caller chain.</summary>
internal static class RequestContext
{
    private static readonly AsyncLocal<Message?> CurrentTurn = new();

    public static Message? Current
    {
        get => CurrentTurn.Value;
        set => CurrentTurn.Value = value;
    }
}
