package dev.mirrorgate.certs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.util.IPAddress;

/** Checks and encodes the DNS names and IP addresses of a leaf's subjectAltName extension. */
final class SubjectAlternativeNames {
  private static final int MAX_DNS_NAME = 253;
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  /** An octet of a dotted quad (alone or at the end of an IPv6 address) with a leading zero. */
  private static final Pattern IPV4_LEADING_ZERO = Pattern.compile("(^|[.:])0[0-9]+(\\.|$)");

  private SubjectAlternativeNames() {}

  /** Why {@code name} is not a DNS name for a certificate, or null when it is one. */
  static String dnsNameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "is empty";
    }
    if (IPAddress.isValid(name)) {
      return "is an IP address; list it under ipAddresses";
    }
    if (name.length() > MAX_DNS_NAME) {
      return "is longer than " + MAX_DNS_NAME + " characters";
    }
    String[] labels = name.split("\\.", -1);
    for (int i = 0; i < labels.length; i++) {
      String label = labels[i];
      if (i == 0 && label.equals("*") && labels.length > 2) {
        continue; // a wildcard is allowed as the whole left-most label of a name with 2+ labels
      }
      if (!LABEL.matcher(label).matches()) {
        return "is not a valid DNS name (label \""
            + label
            + "\": 1-63 letters, digits or '-', not starting or ending with '-')";
      }
    }
    return null;
  }

  /** Why {@code address} is not an IPv4 or IPv6 address literal, or null when it is one. */
  static String ipAddressProblem(String address) {
    if (address == null || address.isEmpty()) {
      return "is empty";
    }
    if (address.startsWith("[")) {
      return "is not an IP address (write IPv6 addresses without brackets)";
    }
    if (address.contains("/")) {
      return "is not an IP address (a network with a mask is not allowed)";
    }
    if (!IPAddress.isValidIPv4(address) && !IPAddress.isValidIPv6(address)) {
      return "is not a valid IPv4 or IPv6 address";
    }
    if (address.contains(".") && IPV4_LEADING_ZERO.matcher(dottedQuad(address)).find()) {
      return "is ambiguous: an IPv4 part has a leading zero (some parsers read it as octal)";
    }
    return null;
  }

  private static String dottedQuad(String address) {
    return address.substring(address.lastIndexOf(':') + 1);
  }

  /** All problems of the names, each as {@code field[i]: "value" problem}. */
  static List<String> problems(List<String> dnsNames, List<String> ipAddresses) {
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < dnsNames.size(); i++) {
      String problem = dnsNameProblem(dnsNames.get(i));
      if (problem != null) {
        problems.add("dnsNames[" + i + "]: \"" + dnsNames.get(i) + "\" " + problem);
      }
    }
    for (int i = 0; i < ipAddresses.size(); i++) {
      String problem = ipAddressProblem(ipAddresses.get(i));
      if (problem != null) {
        problems.add("ipAddresses[" + i + "]: \"" + ipAddresses.get(i) + "\" " + problem);
      }
    }
    return problems;
  }

  /** The subjectAltName value: DNS names first, then IP addresses, in the given order. */
  static GeneralNames encode(List<String> dnsNames, List<String> ipAddresses) {
    List<GeneralName> names = new ArrayList<>();
    dnsNames.forEach(name -> names.add(new GeneralName(GeneralName.dNSName, name)));
    ipAddresses.forEach(ip -> names.add(new GeneralName(GeneralName.iPAddress, ip)));
    return new GeneralNames(names.toArray(GeneralName[]::new));
  }
}
