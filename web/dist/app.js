var ce,x,ze,Wt,I,Ue,qe,Je,Se,re,ee,Ke,Ce,Ee,Te,Ye,ie={},le=[],zt=/acit|ex(?:s|g|n|p|$)|rph|grid|ows|mnc|ntw|ine[ch]|zoo|^ord|itera/i,ue=Array.isArray;function H(e,t){for(var n in t)e[n]=t[n];return e}function Le(e){e&&e.parentNode&&e.parentNode.removeChild(e)}function De(e,t,n){var o,s,r,a={};for(r in t)r=="key"?o=t[r]:r=="ref"?s=t[r]:a[r]=t[r];if(arguments.length>2&&(a.children=arguments.length>3?ce.call(arguments,2):n),typeof e=="function"&&e.defaultProps!=null)for(r in e.defaultProps)a[r]===void 0&&(a[r]=e.defaultProps[r]);return ae(e,a,o,s,null)}function ae(e,t,n,o,s){var r={type:e,props:t,key:n,ref:o,__k:null,__:null,__b:0,__e:null,__c:null,constructor:void 0,__v:s??++ze,__i:-1,__u:0};return s==null&&x.vnode!=null&&x.vnode(r),r}function pe(e){return e.children}function se(e,t){this.props=e,this.context=t}function z(e,t){if(t==null)return e.__?z(e.__,e.__i+1):null;for(var n;t<e.__k.length;t++)if((n=e.__k[t])!=null&&n.__e!=null)return n.__e;return typeof e.type=="function"?z(e):null}function qt(e){if(e.__P&&e.__d){var t=e.__v,n=t.__e,o=[],s=[],r=H({},t);r.__v=t.__v+1,x.vnode&&x.vnode(r),Ae(e.__P,r,t,e.__n,e.__P.namespaceURI,32&t.__u?[n]:null,o,n??z(t),!!(32&t.__u),s),r.__v=t.__v,r.__.__k[r.__i]=r,tt(o,r,s),t.__e=t.__=null,r.__e!=n&&Xe(r)}}function Xe(e){if((e=e.__)!=null&&e.__c!=null)return e.__e=e.__c.base=null,e.__k.some(function(t){if(t!=null&&t.__e!=null)return e.__e=e.__c.base=t.__e}),Xe(e)}function Pe(e){(!e.__d&&(e.__d=!0)&&I.push(e)&&!de.__r++||Ue!=x.debounceRendering)&&((Ue=x.debounceRendering)||qe)(de)}function de(){try{for(var e,t=1;I.length;)I.length>t&&I.sort(Je),e=I.shift(),t=I.length,qt(e)}finally{I.length=de.__r=0}}function Ze(e,t,n,o,s,r,a,l,u,c,p){var _,d,f,h,y,S,E=o&&o.__k||le,m=t.length;for(u=Jt(n,t,E,u,m),_=0;_<m;_++)(f=n.__k[_])!=null&&(d=f.__i!=-1&&E[f.__i]||ie,f.__i=_,S=Ae(e,f,d,s,r,a,l,u,c,p),h=f.__e,f.ref&&d.ref!=f.ref&&(d.ref&&Re(d.ref,null,f),p.push(f.ref,f.__c||h,f)),y==null&&h!=null&&(y=h),4&f.__u?(u=Qe(f,u,e),d.__e&&(d.__e=null)):typeof f.type=="function"&&S!==void 0?u=S:h&&(u=h.nextSibling),f.__u&=-7);return n.__e=y,u}function Jt(e,t,n,o,s){var r,a,l,u,c,p=n.length,_=p,d=0;for(e.__k=new Array(s),r=0;r<s;r++)(a=t[r])!=null&&typeof a!="boolean"&&typeof a!="function"?(typeof a=="string"||typeof a=="number"||typeof a=="bigint"||a.constructor==String?a=e.__k[r]=ae(null,a,null,null,null):ue(a)?a=e.__k[r]=ae(pe,{children:a},null,null,null):a.constructor===void 0&&a.__b>0?a=e.__k[r]=ae(a.type,a.props,a.key,a.ref?a.ref:null,a.__v):e.__k[r]=a,u=r+d,a.__=e,a.__b=e.__b+1,l=null,(c=a.__i=Kt(a,n,u,_))!=-1&&(_--,(l=n[c])&&(l.__u|=2)),l==null||l.__v==null?(c==-1&&(s>p?d--:s<p&&d++),typeof a.type!="function"&&(a.__u|=4)):c!=u&&(c==u-1?d--:c==u+1?d++:(c>u?d--:d++,a.__u|=4))):e.__k[r]=null;if(_)for(r=0;r<p;r++)(l=n[r])!=null&&(2&l.__u)==0&&(l.__e==o&&(o=z(l)),ot(l,l));return o}function Qe(e,t,n){var o,s;if(typeof e.type=="function"){for(o=e.__k,s=0;o&&s<o.length;s++)o[s]&&(o[s].__=e,t=Qe(o[s],t,n));return t}e.__e!=t&&(t&&e.type&&!t.parentNode&&(t=z(e)),t=n.insertBefore(e.__e,t||null));do t=t&&t.nextSibling;while(t!=null&&t.nodeType==8);return t}function Kt(e,t,n,o){var s,r,a,l=e.key,u=e.type,c=t[n],p=c!=null&&(2&c.__u)==0;if(c===null&&l==null||p&&l==c.key&&u==c.type)return n;if(o>(p?1:0)){for(s=n-1,r=n+1;s>=0||r<t.length;)if((c=t[a=s>=0?s--:r++])!=null&&(2&c.__u)==0&&l==c.key&&u==c.type)return a}return-1}function Ge(e,t,n){t[0]=="-"?e.setProperty(t,n??""):e[t]=n==null?"":typeof n!="number"||zt.test(t)?n:n+"px"}function oe(e,t,n,o,s){var r,a;e:if(t=="style")if(typeof n=="string")e.style.cssText=n;else{if(typeof o=="string"&&(e.style.cssText=o=""),o)for(t in o)n&&t in n||Ge(e.style,t,"");if(n)for(t in n)o&&n[t]==o[t]||Ge(e.style,t,n[t])}else if(t[0]=="o"&&t[1]=="n")r=t!=(t=t.replace(Ke,"$1")),a=t.toLowerCase(),t=a in e||t=="onFocusOut"||t=="onFocusIn"?a.slice(2):t.slice(2),e.l||(e.l={}),e.l[t+r]=n,n?o?n[ee]=o[ee]:(n[ee]=Ce,e.addEventListener(t,r?Te:Ee,r)):e.removeEventListener(t,r?Te:Ee,r);else{if(s=="http://www.w3.org/2000/svg")t=t.replace(/xlink(H|:h)/,"h").replace(/sName$/,"s");else if(t!="width"&&t!="height"&&t!="href"&&t!="list"&&t!="form"&&t!="tabIndex"&&t!="download"&&t!="rowSpan"&&t!="colSpan"&&t!="role"&&t!="popover"&&t in e)try{e[t]=n??"";break e}catch{}typeof n=="function"||(n==null||n===!1&&t[4]!="-"?e.removeAttribute(t):e.setAttribute(t,t=="popover"&&n==1?"":n))}}function We(e){return function(t){if(this.l){var n=this.l[t.type+e];if(t[re]==null)t[re]=Ce++;else if(t[re]<n[ee])return;return n(x.event?x.event(t):t)}}}function Ae(e,t,n,o,s,r,a,l,u,c){var p,_,d,f,h,y,S,E,m,N,W,O,C,V,R,B,L=t.type;if(t.constructor!==void 0)return null;128&n.__u&&(u=!!(32&n.__u),r=[l=t.__e=n.__e]),(p=x.__b)&&p(t);e:if(typeof L=="function"){_=a.length;try{if(m=t.props,N=L.prototype&&L.prototype.render,W=(p=L.contextType)&&o[p.__c],O=p?W?W.props.value:p.__:o,n.__c?E=(d=t.__c=n.__c).__=d.__E:(N?t.__c=d=new L(m,O):(t.__c=d=new se(m,O),d.constructor=L,d.render=Xt),W&&W.sub(d),d.state||(d.state={}),d.__n=o,f=d.__d=!0,d.__h=[],d._sb=[]),N&&d.__s==null&&(d.__s=d.state),N&&L.getDerivedStateFromProps!=null&&(d.__s==d.state&&(d.__s=H({},d.__s)),H(d.__s,L.getDerivedStateFromProps(m,d.__s))),h=d.props,y=d.state,d.__v=t,f)N&&L.getDerivedStateFromProps==null&&d.componentWillMount!=null&&d.componentWillMount(),N&&d.componentDidMount!=null&&d.__h.push(d.componentDidMount);else{if(N&&L.getDerivedStateFromProps==null&&m!==h&&d.componentWillReceiveProps!=null&&d.componentWillReceiveProps(m,O),t.__v==n.__v||!d.__e&&d.shouldComponentUpdate!=null&&d.shouldComponentUpdate(m,d.__s,O)===!1){t.__v!=n.__v&&(d.props=m,d.state=d.__s,d.__d=!1),t.__e=n.__e,t.__k=n.__k,t.__k.some(function(J){J&&(J.__=t)}),le.push.apply(d.__h,d._sb),d._sb=[],d.__h.length&&a.push(d),l=z(n);break e}d.componentWillUpdate!=null&&d.componentWillUpdate(m,d.__s,O),N&&d.componentDidUpdate!=null&&d.__h.push(function(){d.componentDidUpdate(h,y,S)})}if(d.context=O,d.props=m,d.__P=e,d.__e=!1,C=x.__r,V=0,N)d.state=d.__s,d.__d=!1,C&&C(t),p=d.render(d.props,d.state,d.context),le.push.apply(d.__h,d._sb),d._sb=[];else do d.__d=!1,C&&C(t),p=d.render(d.props,d.state,d.context),d.state=d.__s;while(d.__d&&++V<25);d.state=d.__s,d.getChildContext!=null&&(o=H(H({},o),d.getChildContext())),N&&!f&&d.getSnapshotBeforeUpdate!=null&&(S=d.getSnapshotBeforeUpdate(h,y)),R=p!=null&&p.type===pe&&p.key==null?nt(p.props.children):p,l=Ze(e,ue(R)?R:[R],t,n,o,s,r,a,l,u,c),d.base=t.__e,t.__u&=-161,d.__h.length&&a.push(d),E&&(d.__E=d.__=null)}catch(J){if(a.length=_,t.__v=null,u||r!=null){if(J.then){for(t.__u|=u?160:128;l&&l.nodeType==8&&l.nextSibling;)l=l.nextSibling;r!=null&&(r[r.indexOf(l)]=null),t.__e=l}else if(r!=null)for(B=r.length;B--;)Le(r[B])}else t.__e=n.__e;t.__k==null&&(t.__k=n.__k||[]),J.then||et(t),x.__e(J,t,n)}}else r==null&&t.__v==n.__v?(t.__k=n.__k,t.__e=n.__e):l=t.__e=Yt(n.__e,t,n,o,s,r,a,u,c);return(p=x.diffed)&&p(t),128&t.__u?void 0:l}function et(e){e&&(e.__c&&(e.__c.__e=!0),e.__k&&e.__k.some(et))}function tt(e,t,n){for(var o=0;o<n.length;o++)Re(n[o],n[++o],n[++o]);x.__c&&x.__c(t,e),e.some(function(s){try{e=s.__h,s.__h=[],e.some(function(r){r.call(s)})}catch(r){x.__e(r,s.__v)}})}function nt(e){return typeof e!="object"||e==null||e.__b>0?e:ue(e)?e.map(nt):e.constructor!==void 0?null:H({},e)}function Yt(e,t,n,o,s,r,a,l,u){var c,p,_,d,f,h,y,S=n.props||ie,E=t.props,m=t.type;if(m=="svg"?s="http://www.w3.org/2000/svg":m=="math"?s="http://www.w3.org/1998/Math/MathML":s||(s="http://www.w3.org/1999/xhtml"),r!=null){for(c=0;c<r.length;c++)if((f=r[c])&&"setAttribute"in f==!!m&&(m?f.localName==m:f.nodeType==3)){e=f,r[c]=null;break}}if(e==null){if(m==null)return document.createTextNode(E);e=document.createElementNS(s,m,E.is&&E),l&&(x.__m&&x.__m(t,r),l=!1),r=null}if(m==null)S===E||l&&e.data==E||(e.data=E);else{if(r=m=="textarea"&&E.defaultValue!=null?null:r&&ce.call(e.childNodes),!l&&r!=null)for(S={},c=0;c<e.attributes.length;c++)S[(f=e.attributes[c]).name]=f.value;for(c in S)f=S[c],c=="dangerouslySetInnerHTML"?_=f:c=="children"||c in E||c=="value"&&"defaultValue"in E||c=="checked"&&"defaultChecked"in E||oe(e,c,null,f,s);for(c in E)f=E[c],c=="children"?d=f:c=="dangerouslySetInnerHTML"?p=f:c=="value"?h=f:c=="checked"?y=f:l&&typeof f!="function"||S[c]===f||oe(e,c,f,S[c],s);if(p)l||_&&(p.__html==_.__html||p.__html==e.innerHTML)||(e.innerHTML=p.__html),t.__k=[];else if(_&&(e.innerHTML=""),Ze(t.type=="template"?e.content:e,ue(d)?d:[d],t,n,o,m=="foreignObject"?"http://www.w3.org/1999/xhtml":s,r,a,r?r[0]:n.__k&&z(n,0),l,u),r!=null)for(c=r.length;c--;)Le(r[c]);l&&m!="textarea"||(c="value",m=="progress"&&h==null?e.removeAttribute("value"):h!=null&&(h!==e[c]||m=="progress"&&!h||m=="option"&&h!=S[c])&&oe(e,c,h,S[c],s),c="checked",y!=null&&y!=e[c]&&oe(e,c,y,S[c],s))}return e}function Re(e,t,n){try{if(typeof e=="function"){var o=typeof e.__u=="function";o&&e.__u(),o&&t==null||(e.__u=e(t))}else e.current=t}catch(s){x.__e(s,n)}}function ot(e,t,n){var o,s;if(x.unmount&&x.unmount(e),(o=e.ref)&&(o.current&&o.current!=e.__e||Re(o,null,t)),(o=e.__c)!=null){if(o.componentWillUnmount)try{o.componentWillUnmount()}catch(r){x.__e(r,t)}o.base=o.__P=o.__n=null}if(o=e.__k)for(s=0;s<o.length;s++)o[s]&&ot(o[s],t,n||typeof e.type!="function");n||Le(e.__e),e.__c=e.__=e.__e=void 0}function Xt(e,t,n){return this.constructor(e,n)}function rt(e,t,n){var o,s,r,a;t==document&&(t=document.documentElement),x.__&&x.__(e,t),s=(o=typeof n=="function")?null:n&&n.__k||t.__k,r=[],a=[],Ae(t,e=(!o&&n||t).__k=De(pe,null,[e]),s||ie,ie,t.namespaceURI,!o&&n?[n]:s?null:t.firstChild?ce.call(t.childNodes):null,r,!o&&n?n:s?s.__e:t.firstChild,o,a),tt(r,e,a),e.props.children=null}function at(e){function t(n){var o,s;return this.getChildContext||(o=new Set,(s={})[t.__c]=this,this.getChildContext=function(){return s},this.componentWillUnmount=function(){o=null},this.shouldComponentUpdate=function(r){this.props.value!=r.value&&o.forEach(function(a){a.__e=!0,Pe(a)})},this.sub=function(r){o.add(r);var a=r.componentWillUnmount;r.componentWillUnmount=function(){o&&o.delete(r),a&&a.call(r)}}),n.children}return t.__c="__cC"+Ye++,t.__=e,t.Provider=t.__l=(t.Consumer=function(n,o){return n.children(o)}).contextType=t,t}ce=le.slice,x={__e:function(e,t,n,o){for(var s,r,a;t=t.__;)if((s=t.__c)&&!s.__)try{if((r=s.constructor)&&r.getDerivedStateFromError!=null&&(s.setState(r.getDerivedStateFromError(e)),a=s.__d),s.componentDidCatch!=null&&(s.componentDidCatch(e,o||{}),a=s.__d),a)return s.__E=s}catch(l){e=l}throw e}},ze=0,Wt=function(e){return e!=null&&e.constructor===void 0},se.prototype.setState=function(e,t){var n;n=this.__s!=null&&this.__s!=this.state?this.__s:this.__s=H({},this.state),typeof e=="function"&&(e=e(H({},n),this.props)),e&&H(n,e),e!=null&&this.__v&&(t&&this._sb.push(t),Pe(this))},se.prototype.forceUpdate=function(e){this.__v&&(this.__e=!0,e&&this.__h.push(e),Pe(this))},se.prototype.render=pe,I=[],qe=typeof Promise=="function"?Promise.prototype.then.bind(Promise.resolve()):setTimeout,Je=function(e,t){return e.__v.__b-t.__v.__b},de.__r=0,Se=Math.random().toString(8),re="__d"+Se,ee="__a"+Se,Ke=/(PointerCapture)$|Capture$/i,Ce=0,Ee=We(!1),Te=We(!0),Ye=0;var it=function(e,t,n,o){var s;t[0]=0;for(var r=1;r<t.length;r++){var a=t[r++],l=t[r]?(t[0]|=a?1:2,n[t[r++]]):t[++r];a===3?o[0]=l:a===4?o[1]=Object.assign(o[1]||{},l):a===5?(o[1]=o[1]||{})[t[++r]]=l:a===6?o[1][t[++r]]+=l+"":a?(s=e.apply(l,it(e,l,n,["",null])),o.push(s),l[0]?t[0]|=2:(t[r-2]=0,t[r]=s)):o.push(l)}return o},st=new Map;function lt(e){var t=st.get(this);return t||(t=new Map,st.set(this,t)),(t=it(this,t.get(e)||(t.set(e,t=function(n){for(var o,s,r=1,a="",l="",u=[0],c=function(d){r===1&&(d||(a=a.replace(/^\s*\n\s*|\s*\n\s*$/g,"")))?u.push(0,d,a):r===3&&(d||a)?(u.push(3,d,a),r=2):r===2&&a==="..."&&d?u.push(4,d,0):r===2&&a&&!d?u.push(5,0,!0,a):r>=5&&((a||!d&&r===5)&&(u.push(r,0,a,s),r=6),d&&(u.push(r,d,0,s),r=6)),a=""},p=0;p<n.length;p++){p&&(r===1&&c(),c(p));for(var _=0;_<n[p].length;_++)o=n[p][_],r===1?o==="<"?(c(),u=[u],r=3):a+=o:r===4?a==="--"&&o===">"?(r=1,a=""):a=o+a[0]:l?o===l?l="":a+=o:o==='"'||o==="'"?l=o:o===">"?(c(),r=1):r&&(o==="="?(r=5,s=a,a=""):o==="/"&&(r<5||n[p][_+1]===">")?(c(),r===3&&(u=u[0]),r=u,(u=u[0]).push(2,0,r),r=0):o===" "||o==="	"||o===`
`||o==="\r"?(c(),r=2):a+=o),r===3&&a==="!--"&&(r=4,u=u[0])}return c(),u}(e)),t),arguments,[])).length>1?t:t[0]}var i=lt.bind(De);var K,w,Ne,dt,te=0,ht=[],T=x,ct=T.__b,ut=T.__r,pt=T.diffed,ft=T.__c,$t=T.unmount,_t=T.__;function $e(e,t){T.__h&&T.__h(w,e,te||t),te=0;var n=w.__H||(w.__H={__:[],__h:[]});return e>=n.__.length&&n.__.push({}),n.__[e]}function g(e){return te=1,Zt(xt,e)}function Zt(e,t,n){var o=$e(K++,2);if(o.t=e,!o.__c&&(o.__=[n?n(t):xt(void 0,t),function(l){var u=o.__N?o.__N[0]:o.__[0],c=o.t(u,l);u!==c&&(o.__N=[c,o.__[1]],o.__c.setState({}))}],o.__c=w,!w.__f)){var s=function(l,u,c){if(!o.__c.__H)return!0;var p=!1,_=o.__c.props!==l;if(o.__c.__H.__.some(function(f){if(f.__N){p=!0;var h=f.__[0];f.__=f.__N,f.__N=void 0,h!==f.__[0]&&(_=!0)}}),r){var d=r.call(this,l,u,c);return p?d||_:d}return!p||_};w.__f=!0;var r=w.shouldComponentUpdate,a=w.componentWillUpdate;w.componentWillUpdate=function(l,u,c){if(this.__e){var p=r;r=void 0,s(l,u,c),r=p}a&&a.call(this,l,u,c)},w.shouldComponentUpdate=s}return o.__N||o.__}function j(e,t){var n=$e(K++,3);!T.__s&&yt(n.__H,t)&&(n.__=e,n.u=t,w.__H.__h.push(n))}function _e(e){return te=5,gt(function(){return{current:e}},[])}function gt(e,t){var n=$e(K++,7);return yt(n.__H,t)&&(n.__=e(),n.__H=t,n.__h=e),n.__}function vt(e,t){return te=8,gt(function(){return e},t)}function bt(e){var t=w.context[e.__c],n=$e(K++,9);return n.c=e,t?(n.__==null&&(n.__=!0,t.sub(w)),t.props.value):e.__}function Qt(){for(var e;e=ht.shift();){var t=e.__H;if(e.__P&&t)try{t.__h.some(fe),t.__h.some(Ve),t.__h=[]}catch(n){t.__h=[],T.__e(n,e.__v)}}}T.__b=function(e){w=null,ct&&ct(e)},T.__=function(e,t){e&&t.__k&&t.__k.__m&&(e.__m=t.__k.__m),_t&&_t(e,t)},T.__r=function(e){ut&&ut(e),K=0;var t=(w=e.__c).__H;t&&(Ne===w?(t.__h=[],w.__h=[],t.__.some(function(n){n.__N&&(n.__=n.__N),n.u=n.__N=void 0})):(t.__h.some(fe),t.__h.some(Ve),t.__h=[],K=0)),Ne=w},T.diffed=function(e){pt&&pt(e);var t=e.__c;t&&t.__H&&(t.__H.__h.length&&(ht.push(t)!==1&&dt===T.requestAnimationFrame||((dt=T.requestAnimationFrame)||en)(Qt)),t.__H.__.some(function(n){n.u&&(n.__H=n.u,n.u=void 0)})),Ne=w=null},T.__c=function(e,t){t.some(function(n){try{n.__h.some(fe),n.__h=n.__h.filter(function(o){return!o.__||Ve(o)})}catch(o){t.some(function(s){s.__h&&(s.__h=[])}),t=[],T.__e(o,n.__v)}}),ft&&ft(e,t)},T.unmount=function(e){$t&&$t(e);var t,n=e.__c;n&&n.__H&&(n.__H.__.some(function(o){try{fe(o)}catch(s){t=s}}),n.__H=void 0,t&&T.__e(t,n.__v))};var mt=typeof requestAnimationFrame=="function";function en(e){var t,n=function(){clearTimeout(o),mt&&cancelAnimationFrame(t),setTimeout(e)},o=setTimeout(n,35);mt&&(t=requestAnimationFrame(n))}function fe(e){var t=w,n=e.__c;typeof n=="function"&&(e.__c=void 0,n()),w=t}function Ve(e){var t=w;e.__c=e.__(),w=t}function yt(e,t){return!e||e.length!==t.length||t.some(function(n,o){return n!==e[o]})}function xt(e,t){return typeof t=="function"?t(e):t}var q=class extends Error{constructor(t,n){let o=n&&n.error||{};super(o.message||`HTTP ${t}`),this.status=t,this.code=o.code||`HTTP_${t}`,this.detail=o.detail||{},this.field=typeof this.detail.field=="string"?this.detail.field:null}};function kt(e,t,n){return new q(400,{error:{code:e,message:`${t}: ${n}`,detail:{field:t}}})}async function b(e,t,n,o={}){let s={"X-Requested-With":"switchyard-ui",Accept:"application/json"};n!==void 0&&(s["Content-Type"]="application/json"),o.ifMatch!==void 0&&o.ifMatch!==null&&(s["If-Match"]=`"${o.ifMatch}"`);let r;try{r=await fetch(t,{method:e,headers:s,credentials:"same-origin",body:n===void 0?void 0:JSON.stringify(n)})}catch(u){throw new q(0,{error:{code:"NETWORK",message:`the agent did not answer: ${u.message}`}})}let l=(r.headers.get("content-type")||"").includes("json")?await r.json().catch(()=>null):await r.text();if(r.status===401&&e==="GET"&&location.assign("/login?m=expired"),!r.ok)throw new q(r.status,l&&typeof l=="object"?l:{error:{code:`HTTP_${r.status}`,message:String(l||r.statusText)}});return l}var P=encodeURIComponent;var Y=[];function F(e){if(!e.path?.startsWith("/")||!e.title||typeof e.component!="function")throw new Error(`definePage: need path ("/..."), title and component: ${JSON.stringify(e)}`);if(Y.some(t=>t.path===e.path))throw new Error(`definePage: ${e.path} is defined twice`);return Y.push({nav:!0,...e}),e}function Fe(e){let t=null;for(let n of Y){let o=n.path.split("/").filter(Boolean);o.length>e.length||!o.every((s,r)=>s===e[r])||o.length===0&&e.length>0||(!t||o.length>t.depth)&&(t={page:n,depth:o.length})}return t&&{page:t.page,rest:e.slice(t.depth)}}function D(e,t){let[n,o]=g({data:null,error:null,loading:!0}),s=_e(0),r=vt(async()=>{let a=++s.current;o(l=>({...l,loading:!0}));try{let l=await e();a===s.current&&o({data:l,error:null,loading:!1})}catch(l){a===s.current&&o(u=>({...u,error:l,loading:!1}))}},t);return j(()=>{r()},[r]),{...n,reload:r}}function v(e){let{onClick:t,busy:n,busyText:o,children:s,type:r="button",class:a,disabled:l,...u}=e,[c,p]=g(!1),_=_e(!0);j(()=>()=>_.current=!1,[]);let d=n||c;async function f(h){if(t){p(!0);try{await t(h)}finally{_.current&&p(!1)}}}return i`
    <button
      type=${r}
      class=${a}
      ...${u}
      disabled=${d||l}
      aria-busy=${d?"true":void 0}
      onClick=${t?f:void 0}
    >
      ${d&&i`<span class="spinner" aria-hidden="true"></span>`}
      ${d&&o?o:s}
    </button>
  `}function tn(e){let t=e.detail||{};return typeof t.nginx_output=="string"?t.nginx_output:(t.outcome?.refused||[]).map(o=>o.nginx_output).filter(Boolean).join(`
`)||null}function k({error:e,title:t}){if(!e)return null;let n=tn(e);return i`
    <div class="error" role="alert" data-error-code=${e.code}>
      ${t&&i`<strong>${t}: </strong>`}
      <span class="code">${e.code}</span>
      <span class="message">${e.message}</span>
      ${e.field&&i`<div class="hint">Field: <code>${e.field}</code></div>`}
      ${e.code==="PRECONDITION_FAILED"&&i`
        <div class="hint">Someone changed this record meanwhile: reload it to see their version
          (your input here is kept until you leave the page).</div>
      `}
      ${e.status===401&&i`
        <div class="hint">Your session ended. <a href="/login" target="_blank" rel="noopener">Log in
          again in a new tab</a>, then save again: your input here is kept.</div>
      `}
      ${n&&i`<pre>${n}</pre>`}
    </div>
  `}var nn={applied:"ok",unchanged:"ok",pending:"warn",dry_run:"warn",failed:"bad",refused:"bad",reverted:"bad"};function ne({status:e}){return i`<span class=${`badge ${nn[e]||""}`}>${e}</span>`}function me({outcome:e}){if(!e)return i`<p class="muted">No apply since the agent started.</p>`;let t=e.refused||[];return i`
    <dl class="facts">
      <dt>Status</dt><dd><${ne} status=${e.status} /></dd>
      ${e.generation!=null&&i`
        <dt>Generation</dt>
        <dd>${e.generation}</dd>
      `}
      ${e.at&&i`
        <dt>At</dt>
        <dd>${new Date(e.at).toLocaleString()}</dd>
      `}
      ${e.duration_ms!=null&&i`
        <dt>Took</dt>
        <dd>${e.duration_ms} ms</dd>
      `}
      ${e.reloaded!=null&&i`
        <dt>Reloaded</dt>
        <dd>${e.reloaded?"yes":"no"}</dd>
      `}
      ${e.applied?.length>0&&i`
        <dt>Applied</dt>
        <dd>${e.applied.join(", ")}</dd>
      `}
    </dl>
    ${e.error&&i`
      <div class="error"><span class="code">${e.error.code}</span>${e.error.message}
        ${e.error.nginx_output&&i`<pre>${e.error.nginx_output}</pre>`}
      </div>
    `}
    ${t.map(n=>i`
        <div class="error" data-refused=${n.id}>
          <strong>Refused ${n.id}: </strong><span class="code">${n.code}</span>${n.message}
          ${n.nginx_output&&i`<pre>${n.nginx_output}</pre>`}
        </div>
      `)}
    ${(e.warnings||[]).map(n=>i`<div class="warning">${n}</div>`)}
  `}var on=new Set(["generation","config_hash","apply_mode","pending","pending_count","nginx","last_apply","warnings"]);async function rn(){let[e,t,n,o]=await Promise.all([b("GET","/api/health"),b("GET","/api/config/status"),b("GET","/api/pools"),b("GET","/api/sites")]);return{health:e,status:t,pools:n.pools.length,sites:o.sites.length}}function an({nginx:e}){return i`
    <dl class="facts">
      <dt>Running</dt>
      <dd>${e.running?i`<span class="badge ok">running</span> pid ${e.pid}`:i`<span class="badge bad">${e.installed?"not running":"not installed (dry run)"}</span>`}</dd>
      <dt>Version</dt>
      <dd>${e.version||"unknown"}</dd>
      <dt>Last reload</dt>
      <dd>${e.last_reload_at?new Date(e.last_reload_at).toLocaleString():"none yet"}</dd>
      <dt>Reloads</dt>
      <dd>${e.reloads}</dd>
    </dl>
  `}function sn({status:e,onApplied:t}){let[n,o]=g(null),[s,r]=g(null),a=e.apply_mode==="manual"||e.pending_count>0;async function l(){o(null),r(null);try{r(await b("POST","/api/config/apply"))}catch(u){o(u)}t()}return i`
    <p>
      Apply mode <strong>${e.apply_mode}</strong>:
      ${e.pending_count===0?" nothing pending.":` ${e.pending_count} change${e.pending_count===1?"":"s"} not yet served.`}
    </p>
    ${e.pending.length>0&&i`
      <ul class="pending">
        ${e.pending.map(u=>i`<li><code>${u.id}</code> <span class="badge">${u.action}</span></li>`)}
      </ul>
    `}
    ${a&&i`
      <${v} class="primary" onClick=${l} busyText="Applying…">Apply now</${v}>
    `}
    <${k} error=${n} title="Apply failed" />
    ${s&&i`<div class="success" role="status">Apply finished: ${s.status}${s.generation!=null?`, generation ${s.generation}`:""}.</div>`}
  `}function ln(){let{data:e,error:t,loading:n,reload:o}=D(rn,[]),s=e?Object.entries(e.status).filter(([r])=>!on.has(r)):[];return i`
    <div class="page-head">
      <h1>Dashboard</h1>
      <${v} onClick=${o} busy=${n} busyText="Refreshing…">Refresh</${v}>
    </div>
    <${k} error=${t} />
    ${e&&i`
      ${e.status.warnings.map(r=>i`<div class="warning" role="status">${r}</div>`)}
      <div class="grid">
        <section class="panel" aria-labelledby="dash-agent">
          <h2 id="dash-agent">Agent</h2>
          <dl class="facts">
            <dt>Health</dt>
            <dd><span class=${`badge ${e.health.status==="ok"?"ok":"bad"}`}>${e.health.status}</span></dd>
            <dt>Version</dt>
            <dd>${e.health.version}${e.health.dev?" (dev mode)":""}</dd>
            <dt>Up</dt>
            <dd>${Math.round(e.health.uptime_s/60)} min</dd>
            <dt>Pools</dt>
            <dd><a href="#/pools">${e.pools}</a></dd>
            <dt>Sites</dt>
            <dd><a href="#/sites">${e.sites}</a></dd>
          </dl>
        </section>
        <section class="panel" aria-labelledby="dash-nginx">
          <h2 id="dash-nginx">nginx</h2>
          <${an} nginx=${e.status.nginx} />
        </section>
        <section class="panel" aria-labelledby="dash-gen">
          <h2 id="dash-gen">Configuration</h2>
          <dl class="facts">
            <dt>Generation</dt>
            <dd>${e.status.generation??"none yet"}</dd>
            <dt>Hash</dt>
            <dd class="mono">${(e.status.config_hash||"\u2013").slice(0,16)}</dd>
          </dl>
          <${sn} status=${e.status} onApplied=${o} />
        </section>
      </div>
      <section class="panel" aria-labelledby="dash-last">
        <h2 id="dash-last">Last apply</h2>
        <${me} outcome=${e.status.last_apply} />
      </section>
      ${s.map(([r,a])=>i`
          <section class="panel">
            <details>
              <summary><strong>${r}</strong></summary>
              <pre>${JSON.stringify(a,null,2)}</pre>
            </details>
          </section>
        `)}
    `}
  `}F({path:"/",title:"Dashboard",component:ln});var M=at(null);function wt(e,t){return!e||!t?!1:e===t||e.startsWith(t+".")||e.startsWith(t+"[")}function Me(e){let t=bt(M);return t&&wt(t.field,e)?t:null}function he(e){return"f-"+e.replace(/[^A-Za-z0-9_-]/g,"_")}function Oe(e){e?.field&&setTimeout(()=>{let t=[...document.querySelectorAll("input, select, textarea")].filter(n=>wt(e.field,n.dataset.field)).sort((n,o)=>o.dataset.field.length-n.dataset.field.length)[0];t?.focus(),t?.scrollIntoView?.({block:"center"})},0)}function St(e,t){return t?{"aria-invalid":"true","aria-describedby":`${he(e)}-err`}:{"aria-invalid":void 0}}function dn(e){let t=`${e.field}: `;return e.message.startsWith(t)?e.message.slice(t.length):e.message}function Et({field:e,err:t,hint:n}){return i`
    ${t&&i`<p class="field-error" id=${`${he(e)}-err`}>${dn(t)}</p>`}
    ${n&&!t&&i`<p class="hint">${n}</p>`}
  `}function $(e){let{field:t,label:n,hint:o,hideLabel:s,as:r="input",value:a,onValue:l,children:u,grow:c,...p}=e,_=Me(t),d=he(t),f={id:d,name:t,"data-field":t,...St(t,_),...p},h=S=>l(S.currentTarget.value),y;return r==="textarea"?y=i`<textarea ...${f} value=${a??""} onInput=${h}></textarea>`:r==="select"?y=i`<select ...${f} value=${a??""} onChange=${h}>${u}</select>`:y=i`<input ...${f} value=${a??""} onInput=${h} />`,i`
    <div class=${`field${c?" grow":""}`}>
      <label for=${d} class=${s?"sr-only":void 0}>${n}</label>
      ${y}
      <${Et} field=${t} err=${_} hint=${o} />
    </div>
  `}function X(e){let{onValue:t,...n}=e;return i`
    <${$}
      ...${n}
      type="number"
      inputmode="numeric"
      onValue=${o=>t(o===""?void 0:Number(o))}
    />
  `}function A({field:e,label:t,checked:n,onValue:o,hint:s}){let r=Me(e),a=he(e);return i`
    <div class="field">
      <label class="check" for=${a}>
        <input
          type="checkbox"
          id=${a}
          name=${e}
          data-field=${e}
          checked=${!!n}
          onChange=${l=>o(l.currentTarget.checked)}
          ...${St(e,r)}
        />
        ${t}
      </label>
      <${Et} field=${e} err=${r} hint=${s} />
    </div>
  `}function U(e){return!!Me(e)}function ge(e){let{version:t,created_at:n,updated_at:o,managed_by:s,apply:r,...a}=e;return a}var He=null;function ve(e){He=e}function be(e,t){let[n,o]=g(()=>{let a=He;return He=null,{busy:!1,error:null,saved:a}});async function s(a,l,u){o({busy:!0,error:null,saved:null});try{let c=await b("PUT",`/api/${t}/${P(a)}`,l,{ifMatch:u??0});return o({busy:!1,error:null,saved:c}),c}catch(c){let p=c;return c.code==="PRECONDITION_FAILED"&&!u&&(p=new q(409,{error:{code:"CONFLICT",message:`name: a ${e} named "${a}" already exists; open it from the list to edit it`,detail:{field:"name"}}})),o({busy:!1,error:p,saved:null}),Oe(p),null}}return{...n,save:s,setError:a=>{o({busy:!1,error:a,saved:null}),Oe(a)}}}var cn={applied:"nginx serves it now",unchanged:"nothing to apply",pending:"waiting for Apply (manual mode)",dry_run:"written, nginx commands ran in dry-run",failed:"the apply failed"};function ye({rec:e}){if(!e)return null;let t=e.apply?.status??"unchanged";return i`
    <div class="success" role="status">
      Saved version ${e.version}. Apply: <${ne} status=${t} /> ${cn[t]||""}${e.apply?.generation!=null?` (generation ${e.apply.generation})`:""}.
    </div>
  `}function xe({kind:e,name:t}){let[n,o]=g(null),[s,r]=g(null);async function a(){r(null);try{o(await b("GET",`/api/config/preview/${e}s/${P(t)}`))}catch(l){o(null),r(l)}}return i`
    <section class="panel" aria-label="nginx preview">
      <div class="row">
        <${v} onClick=${a} busyText="Rendering…">${n===null?"Preview":"Refresh preview"}</${v}>
        <span class="hint">The nginx file the saved ${e} renders to (pending changes included).</span>
      </div>
      <${k} error=${s} />
      ${n!==null&&i`<pre data-preview=${t}>${n}</pre>`}
    </section>
  `}function Tt(e){let t=e.replace(/^#/,"")||"/",[n,o=""]=t.split("?"),s=Object.fromEntries(new URLSearchParams(o)),r=n.split("/").filter(Boolean).map(decodeURIComponent);return{path:"/"+r.map(encodeURIComponent).join("/"),segments:r,query:s}}function Pt(){let[e,t]=g(()=>Tt(location.hash));return j(()=>{let n=()=>t(Tt(location.hash));return addEventListener("hashchange",n),()=>removeEventListener("hashchange",n)},[]),e}function Z(e,t){let n=t?new URLSearchParams(Object.entries(t).filter(([,o])=>o!==void 0&&o!=="")).toString():"";return`#${e}${n?`?${n}`:""}`}function G(e,t){location.hash=Z(e,t)}var un=["round_robin","least_conn","ip_hash","hash"],pn={name:"",description:"",lb_method:"round_robin",keepalive:32,members:[]},fn={address:"",weight:1,backup:!1,down:!1};function $n({m:e,i:t,set:n,remove:o}){let s=`members[${t}]`,r=U(s),a=l=>u=>n({...e,[l]:u});return i`
    <tr class=${r?"invalid":""} data-member=${t}>
      <td>
        <${$} field=${`${s}.address`} label=${`Member ${t+1} address`} hideLabel
          value=${e.address} onValue=${a("address")} placeholder="127.0.0.1:9000" />
      </td>
      <td>
        <${X} field=${`${s}.weight`} label=${`Member ${t+1} weight`} hideLabel
          value=${e.weight} onValue=${a("weight")} min="1" max="1000" />
      </td>
      <td>
        <${X} field=${`${s}.max_fails`} label=${`Member ${t+1} max fails`} hideLabel
          value=${e.max_fails} onValue=${a("max_fails")} min="0" placeholder="1" />
      </td>
      <td>
        <${$} field=${`${s}.fail_timeout`} label=${`Member ${t+1} fail timeout`} hideLabel
          value=${e.fail_timeout} onValue=${l=>a("fail_timeout")(l||void 0)} placeholder="10s" />
      </td>
      <td>
        <${A} field=${`${s}.backup`} label="backup" checked=${e.backup} onValue=${a("backup")} />
      </td>
      <td>
        <${A} field=${`${s}.down`} label="down" checked=${e.down} onValue=${a("down")} />
      </td>
      <td><button type="button" class="link" onClick=${o}
        aria-label=${`Remove member ${t+1}`}>Remove</button></td>
    </tr>
  `}function _n({members:e,onValue:t}){let n=o=>s=>t(e.map((r,a)=>a===o?s:r));return i`
    <fieldset>
      <legend>Members</legend>
      ${e.length===0&&i`<p class="muted">No members: requests get 502 until you add one.</p>`}
      ${e.length>0&&i`
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Address</th>
                <th>Weight</th>
                <th>Max fails</th>
                <th>Fail timeout</th>
                <th>Backup</th>
                <th>Down</th>
                <th><span class="sr-only">Remove</span></th>
              </tr>
            </thead>
            <tbody>${e.map((o,s)=>i`
                <${$n} key=${s} m=${o} i=${s} set=${n(s)}
                  remove=${()=>t(e.filter((r,a)=>a!==s))} />
              `)}
          </tbody>
          </table>
        </div>
      `}
      <button type="button" onClick=${()=>t([...e,{...fn}])}>Add member</button>
      <p class="hint">Address: <code>host:port</code>, <code>[v6]:port</code> or <code>unix:/path</code>.</p>
    </fieldset>
  `}function mn({initial:e,isNew:t}){let[n,o]=g(e),{busy:s,error:r,saved:a,save:l}=be("pool","pools"),[u,c]=g(null),p=f=>h=>o(y=>({...y,[f]:h}));async function _(f){f.preventDefault();let h=ge(n);h.lb_method!=="hash"&&(delete h.hash_key,delete h.hash_consistent);let y=await l(n.name,h,t?0:n.version);y&&(o(y),t&&(ve(y),G(`/pools/edit/${P(y.name)}`)))}async function d(){if(confirm(`Delete pool "${n.name}"?`)){c(null);try{await b("DELETE",`/api/pools/${P(n.name)}`),G("/pools")}catch(f){c(f)}}}return i`
    <${M.Provider} value=${r}>
      <form onSubmit=${_} novalidate aria-label="Pool">
        <${k} error=${r} title="Not saved" />
        <${ye} rec=${a} />
        ${n.managed_by&&i`<div class="warning">
          Managed by ${n.managed_by.kind} "${n.managed_by.name}": change it there.
        </div>`}
        <div class="panel">
          <div class="row">
            <${$} field="name" label="Name" value=${n.name} onValue=${p("name")}
              disabled=${!t} placeholder="web" hint=${t?"Lower case letters, digits, '-'":void 0} />
            <${$} field="lb_method" label="Load balancing" as="select" value=${n.lb_method}
              onValue=${p("lb_method")}>${un.map(f=>i`<option value=${f}>${f}</option>`)}</${$}>
            <${X} field="keepalive" label="Keepalive connections" value=${n.keepalive}
              onValue=${p("keepalive")} min="0" />
          </div>
          ${n.lb_method==="hash"&&i`
            <div class="row">
              <${$} field="hash_key" label="Hash key" value=${n.hash_key}
                onValue=${f=>p("hash_key")(f||void 0)} placeholder="$request_uri" grow />
              <${A} field="hash_consistent" label="consistent (ketama)"
                checked=${n.hash_consistent} onValue=${p("hash_consistent")} />
            </div>
          `}
          <${$} field="description" label="Description" value=${n.description}
            onValue=${p("description")} />
        </div>
        <${_n} members=${n.members} onValue=${p("members")} />
        <div class="actions">
          <${v} type="submit" class="primary" busy=${s} busyText="Saving and applying…">Save</${v}>
          ${r&&i`<span class="field-error">Not saved: ${r.code} (see above)</span>`}
          ${!t&&i`<${v} class="danger" onClick=${d} busyText="Deleting…">Delete pool</${v}>`}
          <a href="#/pools">Back to pools</a>
        </div>
        <${k} error=${u} title="Delete refused" />
      </form>
    </${M.Provider}>
    ${!t&&i`<${xe} kind="pool" name=${n.name} />`}
  `}function Be({name:e}){let{data:t,error:n}=D(()=>e?b("GET",`/api/pools/${P(e)}`):Promise.resolve(pn),[e]);return i`
    <div class="page-head">
      <h1>${e?`Pool ${e}`:"New pool"}</h1>
    </div>
    <${k} error=${n} />
    ${t&&i`<${mn} initial=${t} isNew=${!e} />`}
  `}function hn(e){let t={};for(let n of e){let o=[n.default_pool,...n.routes.map(s=>s.pool)].filter(Boolean);for(let s of new Set(o))(t[s]||=[]).push(n.name)}return t}function gn(){let{data:e,error:t,reload:n}=D(async()=>{let[a,l]=await Promise.all([b("GET","/api/pools"),b("GET","/api/sites")]);return{pools:a.pools,used:hn(l.sites)}},[]),[o,s]=g(null);async function r(a){if(confirm(`Delete pool "${a}"?`)){s(null);try{await b("DELETE",`/api/pools/${P(a)}`)}catch(l){s(l)}await n()}}return i`
    <div class="page-head">
      <h1>Pools</h1>
      <a class="button primary" href="#/pools/new">New pool</a>
    </div>
    <${k} error=${t} />
    <${k} error=${o} title="Delete refused" />
    ${e&&i`
      <div class="panel table-wrap">
        ${e.pools.length===0?i`<p class="muted">No pools yet. A pool is a set of backend servers (an nginx upstream).</p>`:i`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Members</th>
                  <th>Method</th>
                  <th class="num">Keepalive</th>
                  <th>Used by</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${e.pools.map(a=>i`
                    <tr data-pool=${a.name}>
                      <td><a href=${`#/pools/edit/${P(a.name)}`}>${a.name}</a>
                        ${a.managed_by&&i`
                          <span class="badge">managed by ${a.managed_by.kind}</span>
                        `}
                        ${a.description&&i`<div class="hint">${a.description}</div>`}</td>
                      <td>${a.members.length===0?i`<span class="muted">none</span>`:a.members.map(l=>i`
                            <div><code>${l.address}</code>${l.weight!==1?` \xD7${l.weight}`:""}
                              ${l.backup&&i`
                                <span class="badge">backup</span>
                              `}
                              ${l.down&&i`
                                <span class="badge bad">down</span>
                              `}</div>
                          `)}</td>
                      <td>${a.lb_method}</td>
                      <td class="num">${a.keepalive}</td>
                      <td>${(e.used[a.name]||[]).map(l=>i`
                          <a href=${`#/sites/edit/${P(l)}`}>${l}</a>
                        `)}</td>
                      <td>
                        <${v} class="danger" onClick=${()=>r(a.name)} busyText="Deleting…"
                          aria-label=${`Delete pool ${a.name}`}>Delete</${v}></td>
                    </tr>
                  `)}
              </tbody>
            </table>
          `}
      </div>
    `}
  `}function vn({route:e}){let[t,n]=e.rest;return t==="new"?i`<${Be} key="new" name=${null} />`:t==="edit"&&n?i`<${Be} key=${n} name=${n} />`:i`<${gn} />`}F({path:"/pools",title:"Pools",component:vn});function Ct(e){return e.split(/[\s,]+/).filter(Boolean)}function Q({value:e,onValue:t,...n}){let o=e??[],[s,r]=g(o.join(`
`)),a=Ct(s).join(`
`)===o.join(`
`)?s:o.join(`
`);return i`
    <${$}
      as="textarea"
      rows="3"
      ...${n}
      value=${a}
      onValue=${l=>{r(l),t(Ct(l))}}
    />
  `}var Ie=["pool","upstream","redirect","static"],bn=[301,302,303,307,308];function ke(e){return Ie.find(t=>e[t]!==void 0)||"pool"}function yn(e,t){let n={...e};for(let o of Ie)delete n[o];return n[t]=t==="redirect"?{url:"",code:301}:t==="static"?{root:""}:"",t==="redirect"&&(n.websocket=!1),n}function xn(){return{name:"",path:"/",match:"prefix",pool:"",websocket:!1,strip_prefix:!1}}function Lt(e,t){let n=(e||"").toLowerCase().replace(/[^a-z0-9]+/g,"-").replace(/^-+|-+$/g,"").slice(0,56)||"root",o=n;for(let s=2;t.has(o);s++)o=`${n}-${s}`;return o}function kn({r:e,at:t,label:n,pools:o,set:s}){let r=ke(e);return r==="pool"?i`
      <${$} as="select" field=${`${t}.pool`} label=${`${n} pool`} hideLabel
        value=${e.pool} onValue=${a=>s({...e,pool:a})}>
            <option value="">— choose a pool —</option>
            ${o.map(a=>i`<option value=${a}>${a}</option>`)}
            ${e.pool&&!o.includes(e.pool)&&i`<option value=${e.pool}>${e.pool} (missing)</option>`}
          </${$}>
    `:r==="upstream"?i`
      <${$} field=${`${t}.upstream`} label=${`${n} upstream URL`} hideLabel
        value=${e.upstream} onValue=${a=>s({...e,upstream:a})} placeholder="http://127.0.0.1:9000" />
    `:r==="redirect"?i`
      <div class="row">
        <${$} field=${`${t}.redirect.url`} label=${`${n} redirect URL`} hideLabel grow
          value=${e.redirect.url} onValue=${a=>s({...e,redirect:{...e.redirect,url:a}})}
          placeholder="https://example.com$request_uri" />
        <${$} as="select" field=${`${t}.redirect.code`} label=${`${n} redirect code`} hideLabel
          value=${String(e.redirect.code??301)}
          onValue=${a=>s({...e,redirect:{...e.redirect,code:Number(a)}})}>
              ${bn.map(a=>i`<option value=${String(a)}>${a}</option>`)}
            </${$}>
          </div>
    `:i`
    <${$} field=${`${t}.static.root`} label=${`${n} static root`} hideLabel
      value=${e.static.root} onValue=${a=>s({...e,static:{...e.static,root:a}})}
      placeholder="/srv/www" />
  `}function wn({r:e,at:t,label:n,set:o}){let s=r=>a=>o({...e,[r]:a===""?void 0:a});return i`
    <div class="row">
      <${A} field=${`${t}.preserve_host`} label="send the client's Host"
        checked=${e.preserve_host!==!1} onValue=${r=>o({...e,preserve_host:r})} />
      ${["connect_timeout","read_timeout","send_timeout"].map(r=>i`
          <${$} field=${`${t}.${r}`} label=${r.replace("_"," ")} value=${e[r]}
            onValue=${s(r)} placeholder="e.g. 30s" aria-label=${`${n} ${r.replace("_"," ")}`} />
        `)}
    </div>
    ${e.static&&i`
      <div class="row">
        <${Q} field=${`${t}.static.index`} label="Index files" value=${e.static.index??["index.html"]}
          onValue=${r=>o({...e,static:{...e.static,index:r}})} rows="1" />
        <${A} field=${`${t}.static.autoindex`} label="directory listing"
          checked=${e.static.autoindex} onValue=${r=>o({...e,static:{...e.static,autoindex:r}})} />
      </div>
    `}
    <${$} as="textarea" field=${`${t}.extra`} label="Extra nginx directives in this location"
      value=${e.extra} onValue=${s("extra")} placeholder="proxy_buffering off;" />
    ${e.ip_rules&&i`<p class="hint">
      This route has its own IP rules (${e.ip_rules.mode} ${e.ip_rules.addresses.join(", ")}): they are kept as they are.
    </p>`}
  `}function Sn({r:e,i:t,pools:n,set:o,remove:s}){let r=`routes[${t}]`,a=`Route ${t+1}`,l=U(r),[u,c]=g(!1),p=ke(e),_=p==="pool"||p==="upstream";return i`
    <tr class=${l?"invalid":""} data-route=${t}>
      <td>
        <${$} field=${`${r}.name`} label=${`${a} name`} hideLabel value=${e.name}
          onValue=${d=>o({...e,name:d})} placeholder="(from path)" />
      </td>
      <td>
        <${$} field=${`${r}.path`} label=${`${a} path`} hideLabel value=${e.path}
          onValue=${d=>o({...e,path:d})} />
      </td>
      <td>
        <${$} as="select" field=${`${r}.match`} label=${`${a} match`} hideLabel
          value=${e.match??"prefix"} onValue=${d=>o({...e,match:d})}>
        <option value="prefix">prefix</option><option value="exact">exact</option><option value="regex">regex</option>
      </${$}></td>
      <td><label class="sr-only" for=${`tk-${t}`}>${a} target kind</label>
        <select id=${`tk-${t}`} value=${p} onChange=${d=>o(yn(e,d.currentTarget.value))}>
          ${Ie.map(d=>i`<option value=${d}>${d}</option>`)}
        </select></td>
      <td class="target"><${kn} r=${e} at=${r} label=${a} pools=${n} set=${o} /></td>
      <td>${_&&i`
        <${A} field=${`${r}.websocket`} label="WebSocket" checked=${e.websocket}
          onValue=${d=>o({...e,websocket:d})} />
      `}
        ${p!=="redirect"&&i`
          <${A} field=${`${r}.strip_prefix`} label="strip prefix"
            checked=${e.strip_prefix} onValue=${d=>o({...e,strip_prefix:d})} />
        `}</td>
      <td>
        <button type="button" class="link" aria-expanded=${u?"true":"false"}
          onClick=${()=>c(!u)} aria-label=${`${u?"Hide":"More"} options of route ${t+1}`}>${u?"Less":"More"}</button>
        <button type="button" class="link" onClick=${s} aria-label=${`Delete route ${t+1}`}>Delete</button>
      </td>
    </tr>
    ${u&&i`
      <tr class=${l?"invalid":""}>
        <td colspan="7">
          <${wn} r=${e} at=${r} label=${a} set=${o} />
        </td>
      </tr>
    `}
  `}function Dt({routes:e,pools:t,onValue:n}){let o=s=>r=>n(e.map((a,l)=>l===s?r:a));return i`
    <fieldset>
      <legend>Routes</legend>
      ${e.length===0&&i`<p class="muted">No routes: the default pool (if any) serves <code>/</code>.</p>`}
      ${e.length>0&&i`
        <div class="table-wrap">
          <table class="routes">
            <thead>
              <tr>
                <th>Name</th>
                <th>Path</th>
                <th>Match</th>
                <th>Target</th>
                <th><span class="sr-only">Target value</span></th>
                <th>Options</th>
                <th><span class="sr-only">Actions</span></th>
              </tr>
            </thead>
            <tbody>${e.map((s,r)=>i`
                <${Sn} key=${r} r=${s} i=${r} pools=${t} set=${o(r)}
                  remove=${()=>n(e.filter((a,l)=>l!==r))} />
              `)}
          </tbody>
          </table>
        </div>
      `}
      <button type="button" onClick=${()=>n([...e,xn()])}>Add route</button>
      <p class="hint">Paths start with <code>/</code>; <code>regex</code> takes a regular expression.
        Strip prefix sends <code>/api/x</code> to the target as <code>/x</code>.</p>
    </fieldset>
  `}function En({l:e,i:t,set:n,remove:o}){let s=`listen[${t}]`,r=U(s),a=l=>u=>n({...e,[l]:u});return i`
    <tr class=${r?"invalid":""}>
      <td>
        <${X} field=${`${s}.port`} label=${`Listen ${t+1} port`} hideLabel
          value=${e.port} onValue=${a("port")} min="1" max="65535" />
      </td>
      <td>
        <${$} field=${`${s}.address`} label=${`Listen ${t+1} address`} hideLabel
          value=${e.address} onValue=${l=>a("address")(l||void 0)} placeholder="(all)" />
      </td>
      <td>
        <${A} field=${`${s}.ssl`} label="ssl" checked=${e.ssl} onValue=${a("ssl")} />
      </td>
      <td>
        <${A} field=${`${s}.http2`} label="http2" checked=${e.http2} onValue=${a("http2")} />
      </td>
      <td>
        <${A} field=${`${s}.default_server`} label="default server" checked=${e.default_server}
          onValue=${a("default_server")} />
      </td>
      <td><button type="button" class="link" onClick=${o}
        aria-label=${`Remove listen ${t+1}`}>Remove</button></td>
    </tr>
  `}function At({listen:e,onValue:t}){let n=o=>s=>t(e.map((r,a)=>a===o?s:r));return i`
    <fieldset>
      <legend>Listen</legend>
      ${e.length===0?i`<p class="muted">Default ports: the agent's HTTP port, plus HTTPS when TLS is set.</p>`:i`
          <table>
            <thead>
              <tr>
                <th>Port</th>
                <th>Address</th>
                <th>SSL</th>
                <th>HTTP/2</th>
                <th>Default</th>
                <th><span class="sr-only">Remove</span></th>
              </tr>
            </thead>
            <tbody>${e.map((o,s)=>i`
                <${En} key=${s} l=${o} i=${s} set=${n(s)}
                  remove=${()=>t(e.filter((r,a)=>a!==s))} />
              `)}</tbody>
          </table>
        `}
      <button type="button" onClick=${()=>t([...e,{port:80,ssl:!1,http2:!1,default_server:!1}])}>Add listen port</button>
    </fieldset>
  `}function Rt(e){let t=e.tls;return t?{mode:t.cert?"managed":"files",certificate:t.certificate??"",key:t.key??"",cert:t.cert??""}:{mode:"",certificate:"",key:"",cert:""}}function Nt(e){if(e.mode==="files")return{certificate:e.certificate,key:e.key};if(e.mode==="managed")return{cert:e.cert}}function Vt({tls:e,redirect:t,onValue:n,onRedirect:o}){let s=r=>a=>n({...e,[r]:a});return i`
    <fieldset>
      <legend>TLS</legend>
      <div class="row">
        <${$} as="select" field="tls" label="Certificate" value=${e.mode} onValue=${s("mode")}>
          <option value="">none (plain HTTP)</option>
          <option value="files">certificate and key files</option>
          <option value="managed">managed certificate (ACME)</option>
        </${$}>
        ${e.mode==="files"&&i`
          <${$} field="tls.certificate" label="Certificate file" value=${e.certificate}
            onValue=${s("certificate")} placeholder="/etc/ssl/site.pem" grow />
          <${$} field="tls.key" label="Key file" value=${e.key} onValue=${s("key")}
            placeholder="/etc/ssl/site.key" grow />
        `}
        ${e.mode==="managed"&&i`
          <${$} field="tls.cert" label="Managed certificate name" value=${e.cert}
            onValue=${s("cert")} grow />
        `}
      </div>
      ${e.mode&&i`
        <${A} field="redirect_http" label="Redirect plain HTTP to HTTPS"
          checked=${t} onValue=${o} />
      `}
    </fieldset>
  `}var Tn=[["top","top (after the IP rules)"],["ssl","ssl (after the certificate)"],["proxy","proxy (before the locations)"],["end","end (before the closing brace)"]];function Ft({ip:e,onValue:t}){return i`
    <fieldset>
      <legend>IP rules</legend>
      <div class="row">
        <${$} as="select" field="ip_rules.mode" label="Mode" value=${e.mode}
          onValue=${n=>t({...e,mode:n})}>
          <option value="">none: every client</option>
          <option value="allow">allow only these</option>
          <option value="deny">deny these</option>
        </${$}>
        ${e.mode&&i`
          <${Q} field="ip_rules.addresses" label="Addresses and CIDRs"
            value=${e.addresses} onValue=${n=>t({...e,addresses:n})} grow
            hint="One per line, e.g. 10.0.0.0/8" />
        `}
      </div>
    </fieldset>
  `}function Pn({h:e,i:t,set:n,remove:o}){let s=U(`response_headers.${e[0]}`);return i`
    <tr class=${s?"invalid":""}>
      <td>
        <${$} field=${`response_headers.${e[0]}`} label=${`Header ${t+1} name`} hideLabel
          value=${e[0]} onValue=${r=>n([r,e[1]])} placeholder="X-Frame-Options" />
      </td>
      <td>
        <${$} field=${`response_headers[${t}].value`} label=${`Header ${t+1} value`} hideLabel
          value=${e[1]} onValue=${r=>n([e[0],r])} placeholder="DENY" />
      </td>
      <td><button type="button" class="link" onClick=${o}
        aria-label=${`Remove header ${t+1}`}>Remove</button></td>
    </tr>
  `}function Mt({rows:e,onValue:t}){let n=o=>s=>t(e.map((r,a)=>a===o?s:r));return i`
    <fieldset>
      <legend>Response headers</legend>
      ${e.length>0&&i`
        <table>
          <thead>
            <tr>
              <th>Name</th>
              <th>Value</th>
              <th><span class="sr-only">Remove</span></th>
            </tr>
          </thead>
          <tbody>${e.map((o,s)=>i`
              <${Pn} key=${s} h=${o} i=${s} set=${n(s)}
                remove=${()=>t(e.filter((r,a)=>a!==s))} />
            `)}</tbody>
        </table>
      `}
      <button type="button" onClick=${()=>t([...e,["",""]])}>Add header</button>
      <p class="hint">Sent with every response (<code>add_header ... always</code>).</p>
    </fieldset>
  `}function Ot({blocks:e,onValue:t}){let n=(o,s)=>r=>t(e.map((a,l)=>l===o?{...a,[s]:r}:a));return i`
    <fieldset>
      <legend>Extra nginx blocks</legend>
      ${e.map((o,s)=>i`
          <div class="row" key=${s}>
            <${$} as="select" field=${`extra_blocks[${s}].zone`} label=${`Block ${s+1} position`}
              value=${o.zone} onValue=${n(s,"zone")}>
              ${Tn.map(([r,a])=>i`<option value=${r}>${a}</option>`)}
            </${$}>
            <${$} as="textarea" field=${`extra_blocks[${s}].content`} label=${`Block ${s+1} directives`}
              value=${o.content} onValue=${n(s,"content")} grow />
            <button type="button" class="link" onClick=${()=>t(e.filter((r,a)=>a!==s))}
              aria-label=${`Remove block ${s+1}`}>Remove</button>
          </div>
        `)}
      <button type="button" onClick=${()=>t([...e,{zone:"top",content:""}])}>Add block</button>
      <p class="hint">
        Raw nginx, checked before use: braces must balance; <code>include</code>, <code>load_module</code>, Lua, njs and Perl directives are refused.
      </p>
    </fieldset>
  `}var Cn={name:"",description:"",server_names:[],listen:[],redirect_http:!1,routes:[],extra_blocks:[],response_headers:{}};function Ln(e){let t=new Set(e.map(n=>n.name).filter(Boolean));return e.map(n=>{if(n.name)return n;let o=Lt(n.path,t);return t.add(o),{...n,name:o}})}function Dn({initial:e,pools:t,isNew:n}){let[o,s]=g(e),[r,a]=g(()=>Object.entries(e.response_headers??{})),[l,u]=g(()=>e.ip_rules??{mode:"",addresses:[]}),[c,p]=g(()=>Rt(e)),{busy:_,error:d,saved:f,save:h,setError:y}=be("site","sites"),[S,E]=g(null),m=C=>V=>s(R=>({...R,[C]:V}));function N(C){let V=new Set;for(let[R]of r){if(V.has(R.toLowerCase()))throw kt("VALIDATION_FAILED",`response_headers.${R}`,"listed twice");V.add(R.toLowerCase())}return{...ge(o),routes:C,response_headers:Object.fromEntries(r),ip_rules:l.mode?{mode:l.mode,addresses:l.addresses}:void 0,tls:Nt(c),redirect_http:c.mode?o.redirect_http:!1,default_pool:o.default_pool||void 0,client_max_body_size:o.client_max_body_size||void 0}}async function W(C){C.preventDefault();let V=Ln(o.routes);s(L=>({...L,routes:V}));let R;try{R=N(V)}catch(L){return y(L)}let B=await h(o.name,R,n?0:o.version);B&&(s(B),n&&(ve(B),G(`/sites/edit/${P(B.name)}`)))}async function O(){if(confirm(`Delete site "${o.name}"?`)){E(null);try{await b("DELETE",`/api/sites/${P(o.name)}`),G("/sites")}catch(C){E(C)}}}return i`
    <${M.Provider} value=${d}>
      <form onSubmit=${W} novalidate aria-label="Site">
        <${k} error=${d} title="Not saved" />
        <${ye} rec=${f} />
        ${o.managed_by&&i`<div class="warning">
          Managed by ${o.managed_by.kind} "${o.managed_by.name}": change it there.
        </div>`}
        <div class="panel">
          <div class="row">
            <${$} field="name" label="Name" value=${o.name} onValue=${m("name")}
              disabled=${!n} placeholder="shop" />
            <${$} as="select" field="default_pool" label="Default pool (serves /)"
              value=${o.default_pool??""} onValue=${m("default_pool")}>
              <option value="">none</option>
              ${t.map(C=>i`<option value=${C}>${C}</option>`)}
              ${o.default_pool&&!t.includes(o.default_pool)&&i`<option value=${o.default_pool}>${o.default_pool} (missing)</option>`}
            </${$}>
            <${$} field="client_max_body_size" label="Max body size" value=${o.client_max_body_size}
              onValue=${m("client_max_body_size")} placeholder="1m (nginx default)" />
          </div>
          <${Q} field="server_names" label="Server names" value=${o.server_names}
            onValue=${m("server_names")} hint="One per line: shop.example.com, *.example.com, _ (any)" />
          <${$} field="description" label="Description" value=${o.description}
            onValue=${m("description")} />
        </div>
        <${Dt} routes=${o.routes} pools=${t} onValue=${m("routes")} />
        <${At} listen=${o.listen} onValue=${m("listen")} />
        <${Vt} tls=${c} onValue=${p} redirect=${o.redirect_http} onRedirect=${m("redirect_http")} />
        <${Ft} ip=${l} onValue=${u} />
        <${Mt} rows=${r} onValue=${a} />
        <${Ot} blocks=${o.extra_blocks} onValue=${m("extra_blocks")} />
        <div class="actions">
          <${v} type="submit" class="primary" busy=${_} busyText="Saving and applying…">Save</${v}>
          ${d&&i`<span class="field-error">Not saved: ${d.code} (see above)</span>`}
          ${!n&&i`<${v} class="danger" onClick=${O} busyText="Deleting…">Delete site</${v}>`}
          <a href="#/sites">Back to sites</a>
        </div>
        <${k} error=${S} title="Delete refused" />
      </form>
    </${M.Provider}>
    ${!n&&i`<${xe} kind="site" name=${o.name} />`}
  `}function je({name:e}){let{data:t,error:n}=D(async()=>{let[o,s]=await Promise.all([e?b("GET",`/api/sites/${P(e)}`):Promise.resolve(Cn),b("GET","/api/pools")]);return{site:o,pools:s.pools.map(r=>r.name)}},[e]);return i`
    <div class="page-head">
      <h1>${e?`Site ${e}`:"New site"}</h1>
    </div>
    <${k} error=${n} />
    ${t&&i`<${Dn} initial=${t.site} pools=${t.pools} isNew=${!e} />`}
  `}function An(e){let t=ke(e),n=t==="pool"?`pool ${e.pool}`:t==="upstream"?e.upstream:t==="redirect"?`${e.redirect.code} ${e.redirect.url}`:`files ${e.static.root}`;return`${e.match==="exact"?"= ":e.match==="regex"?"~ ":""}${e.path} \u2192 ${n}`}function Rn(){let{data:e,error:t,reload:n}=D(()=>b("GET","/api/sites"),[]),[o,s]=g(null);async function r(a){if(confirm(`Delete site "${a}"?`)){s(null);try{await b("DELETE",`/api/sites/${P(a)}`)}catch(l){s(l)}await n()}}return i`
    <div class="page-head">
      <h1>Sites</h1>
      <a class="button primary" href="#/sites/new">New site</a>
    </div>
    <${k} error=${t} />
    <${k} error=${o} title="Delete refused" />
    ${e&&i`
      <div class="panel table-wrap">
        ${e.sites.length===0?i`<p class="muted">No sites yet. A site is an nginx server block: host names, ports and routes.</p>`:i`
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Server names</th>
                  <th>Listen</th>
                  <th>Default pool</th>
                  <th>Routes</th>
                  <th><span class="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody>
                ${e.sites.map(a=>i`
                    <tr data-site=${a.name}>
                      <td><a href=${`#/sites/edit/${P(a.name)}`}>${a.name}</a>
                        ${a.managed_by&&i`
                          <span class="badge">managed by ${a.managed_by.kind}</span>
                        `}
                        ${a.description&&i`<div class="hint">${a.description}</div>`}</td>
                      <td>${a.server_names.length?a.server_names.join(", "):i`<span class="muted">none</span>`}</td>
                      <td>${a.listen.length?a.listen.map(l=>`${l.port}${l.ssl?" ssl":""}`).join(", "):i`<span class="muted">default${a.tls?" + https":""}</span>`}</td>
                      <td>${a.default_pool?i`<a href=${`#/pools/edit/${P(a.default_pool)}`}>${a.default_pool}</a>`:"\u2013"}</td>
                      <td>${a.routes.map(l=>i`<div><code>${An(l)}</code></div>`)}</td>
                      <td>
                        <${v} class="danger" onClick=${()=>r(a.name)} busyText="Deleting…"
                          aria-label=${`Delete site ${a.name}`}>Delete</${v}></td>
                    </tr>
                  `)}
              </tbody>
            </table>
          `}
      </div>
    `}
  `}function Nn({route:e}){let[t,n]=e.rest;return t==="new"?i`<${je} key="new" name=${null} />`:t==="edit"&&n?i`<${je} key=${n} name=${n} />`:i`<${Rn} />`}F({path:"/sites",title:"Sites",component:Nn});function Vn(e){return!e||typeof e!="object"?"":Object.entries(e).filter(([,t])=>t!==null&&t!==""&&!(Array.isArray(t)&&t.length===0)).map(([t,n])=>`${t}: ${Array.isArray(n)?n.join(", "):typeof n=="object"?JSON.stringify(n):n}`).join("; ")}function Fn({onDone:e}){let[t,n]=g(null),[o,s]=g(null),r=(l,u)=>async()=>{n(null),s(null);try{n({what:l,body:await b("POST",u)})}catch(c){s(c)}e()},a=t?.body;return i`
    <section class="panel" aria-labelledby="cfg-actions">
      <h2 id="cfg-actions">Actions</h2>
      <div class="row">
        <${v} onClick=${r("validate","/api/config/validate")} busyText="Running nginx -t…">Validate (nginx -t)</${v}>
        <${v} class="primary" onClick=${r("apply","/api/config/apply")} busyText="Applying…">Apply pending changes</${v}>
        <${v} onClick=${r("reload","/api/config/reload")} busyText="Reloading…">Reload nginx</${v}>
      </div>
      <p class="hint">Validate tests the desired state, pending changes included, without applying it.</p>
      <${k} error=${o} />
      ${t?.what==="validate"&&i`
        <div class=${a.ok?"success":"error"} role="status" data-validate=${a.ok?"ok":"failed"}>
          ${a.ok?"nginx -t passed.":"nginx -t failed."}
          ${!a.include_found&&i`<div>
            <strong>nginx.conf does not include the agent's directory:</strong> add the include line (see the README).
          </div>`}
          ${a.output&&i`<pre>${a.output}</pre>`}
        </div>
      `}
      ${t?.what==="apply"&&i`<${me} outcome=${a} />`}
      ${t?.what==="reload"&&i`
        <div class="success" role="status">nginx reloaded onto generation ${a.generation}.
          ${a.output&&i`<pre>${a.output}</pre>`}</div>
      `}
    </section>
  `}function Mn(){let{data:e,error:t,reload:n}=D(()=>b("GET","/api/config/generations"),[]);return i`
    <div class="page-head">
      <h1>Config</h1>
    </div>
    <${Fn} onDone=${n} />
    <section class="panel table-wrap" aria-labelledby="cfg-gens">
      <h2 id="cfg-gens">Generations</h2>
      <${k} error=${t} />
      ${e&&(e.generations.length===0?i`<p class="muted">No generation yet: the first apply writes one.</p>`:i`
            <table>
              <thead>
                <tr>
                  <th class="num">#</th>
                  <th>Written</th>
                  <th class="num">Files</th>
                  <th class="num">Entities</th>
                  <th>Cause</th>
                  <th>Hash</th>
                </tr>
              </thead>
              <tbody>${e.generations.map(o=>i`
                  <tr data-generation=${o.generation}>
                    <td class="num">${o.generation}${o.current&&i`
                      <span class="badge ok">current</span>
                    `}</td>
                    <td>${o.created_at?new Date(o.created_at).toLocaleString():""}</td>
                    <td class="num">${o.files}</td>
                    <td class="num">${o.entities}</td>
                    <td class="hint">${Vn(o.cause)}</td>
                    <td class="mono">${(o.config_hash||"").slice(0,12)}</td>
                  </tr>
                `)}</tbody>
            </table>
          `)}
    </section>
  `}F({path:"/config",title:"Config",component:Mn});var On=new Set(["version","created_at","updated_at"]);function we(e,t="",n=new Map){if(Array.isArray(e)&&e.length)e.forEach((o,s)=>we(o,`${t}[${s}]`,n));else if(e&&typeof e=="object"&&!Array.isArray(e)&&Object.keys(e).length)for(let[o,s]of Object.entries(e))!t&&On.has(o)||we(s,t?`${t}.${o}`:o,n);else n.set(t||"(value)",JSON.stringify(e));return n}function Hn(e,t){let n=e==null?new Map:we(e),o=t==null?new Map:we(t),s=[],r=0;for(let a of new Set([...n.keys(),...o.keys()]))o.has(a)?n.has(a)?n.get(a)!==o.get(a)?s.push({kind:"chg",text:`~ ${a}: ${n.get(a)} \u2192 ${o.get(a)}`}):r++:s.push({kind:"add",text:`+ ${a}: ${o.get(a)}`}):s.push({kind:"del",text:`- ${a}: ${n.get(a)}`});return{lines:s,same:r}}function Ht({before:e,after:t}){let{lines:n,same:o}=Hn(e,t);return n.length?i`
    <ul class="diff">
      ${n.map(s=>i`<li class=${s.kind}>${s.text}</li>`)}
    </ul>
    ${o>0&&i`<p class="hint">${o} unchanged field${o===1?"":"s"} not shown.</p>`}
  `:i`<p class="muted">No field changed.</p>`}var Bt=["entity","action","from","to","page","page_size"];function It(e){if(!e)return;let t=new Date(e);return Number.isNaN(t.getTime())?e:t.toISOString()}function jt(e){if(!e)return"";let t=new Date(e);if(Number.isNaN(t.getTime()))return"";let n=o=>String(o).padStart(2,"0");return`${t.getFullYear()}-${n(t.getMonth()+1)}-${n(t.getDate())}T${n(t.getHours())}:${n(t.getMinutes())}`}function Bn({query:e,error:t}){let[n,o]=g(()=>({entity:e.entity??"",action:e.action??"",from:jt(e.from),to:jt(e.to),page_size:e.page_size??"50"})),s=a=>l=>o(u=>({...u,[a]:l}));function r(a){a.preventDefault(),G("/audit",{...n,from:It(n.from),to:It(n.to),page:void 0})}return i`
    <${M.Provider} value=${t}>
      <form class="panel" onSubmit=${r} aria-label="Audit filters">
        <div class="row">
          <${$} field="entity" label="Entity" value=${n.entity} onValue=${s("entity")}
            placeholder="site or site/web" />
          <${$} field="action" label="Action" value=${n.action} onValue=${s("action")}
            placeholder="site.put, apply, ..." />
          <${$} field="from" label="From" type="datetime-local" value=${n.from}
            onValue=${s("from")} />
          <${$} field="to" label="To" type="datetime-local" value=${n.to}
            onValue=${s("to")} />
          <${$} as="select" field="page_size" label="Per page" value=${n.page_size}
            onValue=${s("page_size")}>
            ${["20","50","100","200"].map(a=>i`<option value=${a}>${a}</option>`)}
          </${$}>
          <div class="inline-actions">
            <button type="submit" class="primary">Filter</button>
            <a href="#/audit">Clear</a>
          </div>
        </div>
      </form>
    </${M.Provider}>
  `}function In({e}){return i`
    <tr data-audit=${e.id}>
      <td class="mono">${new Date(e.at).toLocaleString()}</td>
      <td>${e.actor}</td>
      <td><code>${e.action}</code></td>
      <td><a href=${Z("/audit",{entity:`${e.entity.kind}/${e.entity.name}`})}>${e.entity.kind}/${e.entity.name}</a></td>
      <td>
        <${ne} status=${e.outcome} />
      </td>
      <td>
        ${e.message&&i`<div>${e.message}</div>`}
        <details>
          <summary>Changes${e.generation!=null?` (generation ${e.generation})`:""}</summary>
          <${Ht} before=${e.before} after=${e.after} />
          ${e.nginx_output&&i`<pre>${e.nginx_output}</pre>`}
        </details>
      </td>
    </tr>
  `}function jn({route:e}){let t=e.query,n=Bt.map(l=>t[l]??"").join("|"),{data:o,error:s}=D(()=>{let l=new URLSearchParams(Object.entries(t).filter(([u,c])=>Bt.includes(u)&&c));return b("GET",`/api/audit${l.size?`?${l}`:""}`)},[n]),r=Number(t.page||1),a=l=>Z("/audit",{...t,page:l>1?String(l):void 0});return i`
    <div class="page-head">
      <h1>Audit</h1>
    </div>
    <${Bn} key=${n} query=${t} error=${s} />
    <${k} error=${s} />
    ${o&&i`
      <section class="panel table-wrap">
        ${o.entries.length===0?i`<p class="muted">No entries match.</p>`:i`
          <table>
            <thead>
              <tr>
                <th>When</th>
                <th>Actor</th>
                <th>Action</th>
                <th>Entity</th>
                <th>Outcome</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>${o.entries.map(l=>i`<${In} key=${l.id} e=${l} />`)}</tbody>
          </table>
        `}
        <nav class="actions" aria-label="Audit pages">
          ${r>1&&i`<a class="button" href=${a(r-1)}>← Newer</a>`}
          <span class="muted">Page ${r}</span>
          ${o.has_more&&i`<a class="button" href=${a(r+1)}>Older →</a>`}
        </nav>
      </section>
    `}
  `}F({path:"/audit",title:"Audit",component:jn});function Ut(){let e=Pt(),t=Fe(e.segments),n=t?t.page.title:"Not found";j(()=>{document.title=`${n} \xB7 Switchyard`},[n]);let o=t?.page.component;return i`
    <header class="topbar">
      <a class="brand" href="#/">Switchyard</a>
      <nav aria-label="Main">
        ${Y.filter(s=>s.nav).map(s=>i`
            <a href=${Z(s.path)} aria-current=${t?.page===s?"page":void 0}>${s.title}</a>
          `)}
      </nav>
      <form method="post" action="/logout">
        <button type="submit">Log out</button>
      </form>
    </header>
    <main class="page" id="main">
      ${o?i`<${o} key=${t.page.path} route=${{...e,rest:t.rest}} />`:i`
          <h1>Not found</h1>
          <p>No page at <code>${e.path}</code>. <a href="#/">Dashboard</a></p>
        `}
    </main>
  `}var Gt=document.getElementById("app");Gt.textContent="";rt(i`<${Ut} />`,Gt);
