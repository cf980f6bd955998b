package dev.mirrorgate.webhook.server;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.InternetProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.impl.transports.NioTransport;
import io.vertx.core.net.TcpConfig;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Caps open connections where it costs nothing: in the acceptor, before a channel, a pipeline or a
 * TLS engine exists. A connection over {@link ServerLimits#maxConnections()} in total, or over
 * {@link ServerLimits#maxConnectionsPerClient()} from one address, is closed as soon as it is
 * accepted. Vert.x has no such option, so the gate is a Vert.x {@link
 * io.vertx.core.transport.Transport}: NIO, with a server channel that counts.
 */
public final class ConnectionGate {
  private final int max;
  private final int perClient;
  private final AtomicInteger open = new AtomicInteger();
  private final ConcurrentHashMap<InetAddress, AtomicInteger> byClient = new ConcurrentHashMap<>();
  private final AtomicLong refusedOverall = new AtomicLong();
  private final AtomicLong refusedPerClient = new AtomicLong();

  public ConnectionGate(ServerLimits limits) {
    this.max = limits.maxConnections();
    this.perClient = limits.maxConnectionsPerClient();
  }

  /** Connections open now. */
  public int open() {
    return open.get();
  }

  /** Connections closed at accept because the total cap was reached. */
  public long refusedOverall() {
    return refusedOverall.get();
  }

  /** Connections closed at accept because their client had its share. */
  public long refusedPerClient() {
    return refusedPerClient.get();
  }

  /** Takes a slot for a connection from {@code client}, or says no. */
  boolean admit(InetAddress client) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      refusedOverall.incrementAndGet();
      return false;
    }
    AtomicInteger mine = byClient.computeIfAbsent(client, k -> new AtomicInteger());
    if (mine.incrementAndGet() > perClient) {
      release(client);
      refusedPerClient.incrementAndGet();
      return false;
    }
    return true;
  }

  void release(InetAddress client) {
    open.decrementAndGet();
    byClient.computeIfPresent(client, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
  }

  /** The transport to build Vert.x with ({@code Vertx.builder().withTransport(...)}). */
  public io.vertx.core.transport.Transport transport() {
    io.vertx.core.spi.transport.Transport gated = new GatedTransport(this);
    return new io.vertx.core.transport.Transport() {
      @Override
      public String name() {
        return "nio-gated";
      }

      @Override
      public boolean available() {
        return true;
      }

      @Override
      public Throwable unavailabilityCause() {
        return null;
      }

      @Override
      public io.vertx.core.spi.transport.Transport implementation() {
        return gated;
      }
    };
  }

  /** A NIO server socket whose accept consults the gate. */
  static final class GatedServerSocketChannel extends NioServerSocketChannel {
    private final ConnectionGate gate;

    GatedServerSocketChannel(ConnectionGate gate) {
      this.gate = gate;
    }

    @Override
    protected int doReadMessages(List<Object> buf) throws Exception {
      int from = buf.size();
      int accepted = super.doReadMessages(buf);
      for (int i = buf.size() - 1; i >= from; i--) {
        Channel child = (Channel) buf.get(i);
        InetAddress client =
            child.remoteAddress() instanceof InetSocketAddress address
                ? address.getAddress()
                : InetAddress.getLoopbackAddress();
        if (gate.admit(client)) {
          child.closeFuture().addListener(f -> gate.release(client));
        } else {
          child.unsafe().closeForcibly();
          buf.remove(i);
          accepted--;
        }
      }
      return accepted;
    }
  }

  /** Vert.x's NIO transport, except for the server channel. */
  private record GatedTransport(ConnectionGate gate)
      implements io.vertx.core.spi.transport.Transport {
    private static final io.vertx.core.spi.transport.Transport NIO = NioTransport.INSTANCE;

    @Override
    public boolean supportsDomainSockets() {
      return NIO.supportsDomainSockets();
    }

    @Override
    public boolean supportFileRegion() {
      return NIO.supportFileRegion();
    }

    @Override
    public java.net.SocketAddress convert(io.vertx.core.net.SocketAddress address) {
      return NIO.convert(address);
    }

    @Override
    public io.vertx.core.net.SocketAddress convert(java.net.SocketAddress address) {
      return NIO.convert(address);
    }

    @Override
    public IoHandlerFactory ioHandlerFactory() {
      return NIO.ioHandlerFactory();
    }

    @Override
    public EventLoopGroup eventLoopGroup(
        int type, int threads, ThreadFactory factory, int ioRatio) {
      return NIO.eventLoopGroup(type, threads, factory, ioRatio);
    }

    @Override
    public DatagramChannel datagramChannel(InternetProtocolFamily family) {
      return NIO.datagramChannel(family);
    }

    @Override
    public ChannelFactory<? extends DatagramChannel> datagramChannelFactory() {
      return NIO.datagramChannelFactory();
    }

    @Override
    public ChannelFactory<? extends Channel> channelFactory(boolean domainSocket) {
      return NIO.channelFactory(domainSocket);
    }

    @Override
    public ChannelFactory<? extends ServerChannel> serverChannelFactory(boolean domainSocket) {
      if (domainSocket) {
        return NIO.serverChannelFactory(true);
      }
      return () -> new GatedServerSocketChannel(gate);
    }

    @Override
    public void configure(DatagramChannel channel, DatagramSocketOptions options) {
      NIO.configure(channel, options);
    }

    @Override
    public void configure(TcpConfig options, boolean domainSocket, Bootstrap bootstrap) {
      NIO.configure(options, domainSocket, bootstrap);
    }

    @Override
    public void configure(TcpConfig options, boolean domainSocket, ServerBootstrap bootstrap) {
      NIO.configure(options, domainSocket, bootstrap);
    }
  }
}
