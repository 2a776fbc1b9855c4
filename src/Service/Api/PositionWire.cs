using System.Buffers;
using System.Runtime.CompilerServices;
using BeidouHub.Protocol.V1;
using Google.Protobuf;
using Grpc.Core;

namespace BeidouHub.Service.Api;

/// <summary>
/// The bytes of shared Position messages, serialised once and written as they are to every
/// stream that is sent the message. The generated marshaller would serialise the shared message
/// again for each of the (say) 50 subscribers of one shape; StreamPositions is bound here with a
/// marshaller that copies the bytes instead, and serialises any other Position (a subscriber's own
/// copy carrying its drop count) as the generated one does. Same bytes either way: protobuf's C#
/// serialiser writes a message's fields in field-number order, so a message serialised once is
/// byte for byte what each stream would have serialised itself.
/// </summary>
internal static class PositionWire
{
    // Keyed by the message object, so the entry lives exactly as long as the shared message (the
    // update's wire cache holds it); the pumps only look up, the mapping adds once per update and shape.
    private static readonly ConditionalWeakTable<Position, byte[]> Bytes = [];

    /// <summary>The StreamPositions response marshaller: the remembered bytes, or the message serialised.</summary>
    public static Marshaller<Position> Marshaller { get; } = Marshallers.Create<Position>(Serialize, context => Position.Parser.ParseFrom(context.PayloadAsReadOnlySequence()));

    /// <summary>Serialises a shared message once; streams writing that message then copy these bytes.</summary>
    public static void Remember(Position shared) => Bytes.AddOrUpdate(shared, shared.ToByteArray());

    /// <summary>The bytes remembered for <paramref name="message"/>, if it is a shared message.</summary>
    public static bool TryGetBytes(Position message, out byte[]? bytes) => Bytes.TryGetValue(message, out bytes);

    private static void Serialize(Position message, SerializationContext context)
    {
        if (Bytes.TryGetValue(message, out byte[]? bytes))
        {
            context.SetPayloadLength(bytes.Length);
            context.GetBufferWriter().Write(bytes);
        }
        else
        {
            // As the generated marshaller does for an IBufferMessage.
            context.SetPayloadLength(message.CalculateSize());
            message.WriteTo(context.GetBufferWriter());
        }

        context.Complete();
    }
}

/// <summary>
/// Binds beidouhub.v1.Positions as the generated code does, except StreamPositions, whose responses
/// go through <see cref="PositionWire.Marshaller"/>. grpc-dotnet finds this through the
/// <see cref="BindServiceMethodAttribute"/> on <see cref="PositionsService"/>, the one nearest the
/// service type winning over the generated base's; reflection still reads the generated descriptor
/// (through the base type), and the method's name and request marshaller are the generated ones.
/// </summary>
internal static class PositionsBinding
{
    /// <summary>Called by grpc-dotnet with its binder; the second parameter's type is the generated base, as its finder expects.</summary>
    public static void BindService(ServiceBinderBase serviceBinder, Positions.PositionsBase serviceImpl) =>
        Positions.BindService(new SharedBytesBinder(serviceBinder), serviceImpl);

    private sealed class SharedBytesBinder(ServiceBinderBase inner) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
            inner.AddMethod(method, handler);

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            if (method is Method<StreamPositionsRequest, Position> positions)
            {
                var shared = new Method<StreamPositionsRequest, Position>(positions.Type, positions.ServiceName, positions.Name, positions.RequestMarshaller, PositionWire.Marshaller);
                inner.AddMethod(shared, (ServerStreamingServerMethod<StreamPositionsRequest, Position>?)(object?)handler);
                return;
            }

            inner.AddMethod(method, handler);
        }
    }
}
