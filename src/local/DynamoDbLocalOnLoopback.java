// Local stack: DynamoDB Local's own server, started the way its jar starts it, but with its one
// listener bound to 127.0.0.1 and a Host check in front of its handler. DynamoDB Local has no option for
// either: it listens on every interface and ignores signatures, so anyone who could reach the port could
// read and write the tables. `dynamodb-local.ts` runs this file with Java's source launcher.

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public final class DynamoDbLocalOnLoopback {
  private static final String LOOPBACK = "127.0.0.1";
  private static final List<String> LOOPBACK_NAMES = List.of("localhost", "127.0.0.1", "[::1]");

  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    // The Jetty server is a private field: a DynamoDB Local that renames it fails here, loudly, rather
    // than starting on every interface.
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) {
      if (!(connector instanceof ServerConnector bound)) {
        throw new IllegalStateException("unexpected connector " + connector.getClass().getName());
      }
      bound.setHost(LOOPBACK);
    }
    server.setHandler(new LoopbackHostOnly(server.getHandler()));
    proxy.start();
    System.out.println("DynamoDB Local listening on " + LOOPBACK + " only");
  }

  /** Refuses requests whose Host is not loopback: a page rebound to 127.0.0.1 would name its own. */
  private static final class LoopbackHostOnly extends Handler.Wrapper {
    LoopbackHostOnly(Handler inner) {
      super(inner);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
      String host = request.getHeaders().get(HttpHeader.HOST);
      String port = ":" + Request.getLocalPort(request);
      String named = host == null ? "" : host.toLowerCase();
      for (String name : LOOPBACK_NAMES) {
        if (named.equals(name) || named.equals(name + port)) return super.handle(request, response, callback);
      }
      byte[] body =
          ("{\"__type\":\"MisdirectedRequest\",\"message\":\"Host is not served here: "
                  + "DynamoDB Local answers to localhost, 127.0.0.1 and [::1] only\"}")
              .getBytes(StandardCharsets.UTF_8);
      response.setStatus(421);
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/x-amz-json-1.0");
      response.write(true, ByteBuffer.wrap(body), callback);
      return true;
    }
  }
}
