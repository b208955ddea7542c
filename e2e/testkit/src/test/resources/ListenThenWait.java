import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Test fixture run by the JDK source launcher: listen on args[0]:args[1] after args[2] ms. */
public class ListenThenWait {
  public static void main(String[] args) throws Exception {
    Thread.sleep(Long.parseLong(args[2]));
    try (ServerSocket server = new ServerSocket()) {
      server.bind(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])));
      System.out.println("listening");
      while (true) {
        server.accept().close();
      }
    }
  }
}
